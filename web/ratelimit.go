package web

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// Rate is an allowance of N events per Per. All N may come at once; after that they come
// back evenly, one every Per/N (a token bucket of size N).
type Rate struct {
	N   int
	Per time.Duration
}

func (r Rate) String() string { return fmt.Sprintf("%d per %s", r.N, r.Per) }

// perSecond is the refill rate.
func (r Rate) perSecond() float64 { return float64(r.N) / r.Per.Seconds() }

// Limiter keeps one token bucket per key (a client address, or "" for everyone), in
// bounded memory. A bucket that has refilled completely is the same as no bucket, so it
// is dropped whenever the table is full; if every bucket is still in use, arbitrary ones
// are dropped (their clients start afresh) until a tenth of the table is free. It is safe
// for concurrent use.
//
// Typical use, counting failures (guesses), not attempts:
//
//	if wait := l.Wait(key); wait > 0 { refuse, saying "retry after wait" }
//	... try ...
//	if failed { l.Take(key) }
type Limiter struct {
	mu      sync.Mutex
	rate    Rate
	refill  float64 // tokens per second
	max     int
	now     func() time.Time
	buckets map[string]bucket
}

// bucket records what was spent, net of refill up to at. Keeping the debt rather than
// the remainder makes an idle bucket simply one whose debt has reached zero.
type bucket struct {
	used float64
	at   time.Time
}

// NewLimiter returns a limiter allowing rate per key, remembering at most maxKeys keys,
// reading time from now (time.Now when nil). rate.N and rate.Per must be positive.
func NewLimiter(rate Rate, maxKeys int, now func() time.Time) *Limiter {
	if rate.N < 1 || rate.Per <= 0 {
		panic(fmt.Sprintf("web: NewLimiter: rate %v must allow at least 1 event in a positive time", rate))
	}
	if maxKeys < 1 {
		maxKeys = 1
	}
	if now == nil {
		now = time.Now
	}
	return &Limiter{rate: rate, refill: rate.perSecond(), max: maxKeys, now: now, buckets: make(map[string]bucket)}
}

// Wait returns how long key must wait before its next event is allowed: 0 when one is
// allowed now. It spends nothing.
func (l *Limiter) Wait(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	used := l.level(key, l.now())
	return l.wait(used)
}

// Take spends one event of key's allowance. It reports false, and how long to wait, when
// none is left; then nothing is spent.
func (l *Limiter) Take(key string) (ok bool, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	used := l.level(key, now)
	if w := l.wait(used); w > 0 {
		return false, w
	}
	if _, known := l.buckets[key]; !known && len(l.buckets) >= l.max {
		l.evict(now)
	}
	l.buckets[key] = bucket{used: used + 1, at: now}
	return true, 0
}

// Len returns how many keys the limiter remembers.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// level returns key's debt at now, refill applied.
func (l *Limiter) level(key string, now time.Time) float64 {
	b, ok := l.buckets[key]
	if !ok {
		return 0
	}
	return max(0, b.used-now.Sub(b.at).Seconds()*l.refill)
}

func (l *Limiter) wait(used float64) time.Duration {
	over := used + 1 - float64(l.rate.N)
	if over <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(over / l.refill * float64(time.Second)))
}

// evict makes room for a new key: first every idle bucket goes, then, if the table is
// still full (an attack from very many addresses), arbitrary buckets until 10% is free.
func (l *Limiter) evict(now time.Time) {
	for k := range l.buckets {
		if l.level(k, now) == 0 {
			delete(l.buckets, k)
		}
	}
	target := l.max - max(1, l.max/10)
	for k := range l.buckets {
		if len(l.buckets) <= target {
			break
		}
		delete(l.buckets, k)
	}
}
