package auth

import (
	"context"
	"runtime"
	"runtime/metrics"
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

func TestHashSlotsConfig(t *testing.T) {
	cheap := &Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	secret := []byte("0123456789abcdef0123456789abcdef")
	for _, tc := range []struct {
		name  string
		slots int
		want  int
	}{
		{"default", 0, runtime.GOMAXPROCS(0)},
		{"negative is the default", -1, runtime.GOMAXPROCS(0)},
		{"one", 1, 1},
		{"more than the cores", 3 * runtime.GOMAXPROCS(0), 3 * runtime.GOMAXPROCS(0)},
	} {
		s := New(nil, Config{Secret: secret, Params: cheap, HashSlots: tc.slots})
		if got := cap(s.hashing); got != tc.want {
			t.Errorf("%s: HashSlots %d gives %d slots, want %d", tc.name, tc.slots, got, tc.want)
		}
	}
}

// forcedGCs returns how many collections runtime.GC has forced so far.
func forcedGCs() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/forced:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func TestCollectAfterHash(t *testing.T) {
	cheap := &Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	secret := []byte("0123456789abcdef0123456789abcdef")
	for _, collect := range []bool{false, true} {
		s := New(nil, Config{Secret: secret, Params: cheap, HashSlots: 1, CollectAfterHash: collect})
		// waitSlot waits until the one slot is free again (with the
		// option, once the background collection is done).
		waitSlot := func() {
			select {
			case s.hashing <- struct{}{}:
				<-s.hashing
			case <-time.After(10 * time.Second):
				t.Fatalf("CollectAfterHash %v: the slot was not freed within 10s", collect)
			}
		}
		before := forcedGCs()
		h, err := s.hash(context.Background(), "correct horse")
		if err != nil {
			t.Fatal(err)
		}
		waitSlot()
		if ok, err := s.verify(context.Background(), h, "correct horse"); !ok || err != nil {
			t.Fatalf("verify = %v, %v; want true, nil", ok, err)
		}
		waitSlot()
		got := forcedGCs() - before
		// Nothing else in this package forces collections, and the tests
		// are not parallel: without the option none happen, with it one
		// per computation.
		want := uint64(0)
		if collect {
			want = 2
		}
		if got != want {
			t.Errorf("CollectAfterHash %v: %d forced collections for a hash and a verification, want %d", collect, got, want)
		}
	}
}
