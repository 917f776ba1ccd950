package auth

import (
	"context"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

func TestHashSlotsBoundConcurrentHashing(t *testing.T) {
	cheap := &Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	s := New(nil, Config{Secret: []byte("0123456789abcdef0123456789abcdef"), Params: cheap})
	for i := 0; i < cap(s.hashing); i++ {
		s.hashing <- struct{}{} // every slot busy
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := s.hash(ctx, "correct horse"); tenantry.ErrorCode(err) != tenantry.EUNAVAILABLE {
		t.Fatalf("hash with every slot busy: got %v, want unavailable once the context ends", err)
	}
	<-s.hashing // one slot frees
	h, err := s.hash(context.Background(), "correct horse")
	if err != nil {
		t.Fatalf("hash with a free slot: %v", err)
	}
	if ok, err := s.verify(context.Background(), h, "correct horse"); !ok || err != nil {
		t.Fatalf("verify = %v, %v; want true, nil", ok, err)
	}
	if got, want := len(s.hashing), cap(s.hashing)-1; got != want {
		t.Fatalf("slots held after hash and verify = %d, want %d (released)", got, want)
	}
}
