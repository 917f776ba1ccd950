package main

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestPacedRateAndObserve(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) > 5 {
			w.WriteHeader(http.StatusTooManyRequests)
		}
	}))
	defer srv.Close()
	var limited atomic.Int64
	r, dropped := paced(srv.Client(), 100, 300*time.Millisecond, 4, func(*rand.Rand) (*http.Request, error) {
		return http.NewRequest("GET", srv.URL, nil)
	}, func(status int) {
		if status == http.StatusTooManyRequests {
			limited.Add(1)
		}
	})
	if got := r.Requests + dropped; got < 20 || got > 31 {
		t.Errorf("got %d requests + %d dropped, want about 30 (100/s for 300ms)", r.Requests, dropped)
	}
	if got, want := int(limited.Load()), r.Statuses["429"]; got != want || got == 0 {
		t.Errorf("observed %d 429s, statuses say %d; want equal and non-zero", got, want)
	}
}
