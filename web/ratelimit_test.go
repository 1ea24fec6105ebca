package web

import (
	"fmt"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

// fakeClock is a settable clock for limiter tests.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2023, 2, 10, 12, 0, 0, 0, time.UTC)} }

func TestLimiterBurstThenRefill(t *testing.T) {
	clk := newFakeClock()
	l := NewLimiter(Rate{N: 3, Per: time.Minute}, 10, clk.now)
	for i := range 3 {
		if ok, _ := l.Take("a"); !ok {
			t.Fatalf("event %d of the burst refused", i+1)
		}
	}
	ok, wait := l.Take("a")
	if ok || wait != 20*time.Second {
		t.Fatalf("4th event: ok=%v wait=%s, want refused with 20s (one event back every 60s/3)", ok, wait)
	}
	if got := l.Wait("a"); got != 20*time.Second {
		t.Errorf("Wait = %s, want 20s", got)
	}
	if ok, _ := l.Take("b"); !ok {
		t.Error("another key is refused: keys must not share an allowance")
	}
	clk.advance(19 * time.Second)
	if ok, wait := l.Take("a"); ok || wait != time.Second {
		t.Errorf("after 19s: ok=%v wait=%s, want refused with 1s", ok, wait)
	}
	clk.advance(time.Second)
	if ok, _ := l.Take("a"); !ok {
		t.Error("after 20s one event must be allowed again")
	}
	if ok, _ := l.Take("a"); ok {
		t.Error("only one event came back in 20s")
	}
	clk.advance(time.Hour)
	for i := range 3 {
		if ok, _ := l.Take("a"); !ok {
			t.Fatalf("after an idle hour, event %d of a full burst refused", i+1)
		}
	}
}

func TestLimiterWaitSpendsNothing(t *testing.T) {
	clk := newFakeClock()
	l := NewLimiter(Rate{N: 1, Per: time.Minute}, 10, clk.now)
	for range 5 {
		if w := l.Wait("a"); w != 0 {
			t.Fatalf("Wait on a fresh key = %s", w)
		}
	}
	if ok, _ := l.Take("a"); !ok {
		t.Fatal("Wait spent the allowance")
	}
	if l.Len() != 1 {
		t.Errorf("Len = %d, want 1", l.Len())
	}
}

func TestLimiterMemoryIsBounded(t *testing.T) {
	clk := newFakeClock()
	const maxKeys = 100
	l := NewLimiter(Rate{N: 5, Per: time.Minute}, maxKeys, clk.now)
	// Idle clients are dropped first: after a while every old bucket has refilled.
	for i := range maxKeys {
		l.Take(fmt.Sprint("old", i))
	}
	clk.advance(time.Minute)
	l.Take("new")
	if l.Len() != 1 {
		t.Errorf("after the old clients went idle, Len = %d, want 1 (only the new client)", l.Len())
	}
	// An attack from more addresses than the table holds never grows it past maxKeys.
	for i := range 10 * maxKeys {
		l.Take(fmt.Sprint("attacker", i))
		if l.Len() > maxKeys {
			t.Fatalf("Len = %d after %d clients, above the bound %d", l.Len(), i+1, maxKeys)
		}
	}
}

func TestClientKey(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	for _, tc := range []struct {
		name, remote, xff string
		proxies           []netip.Prefix
		want              string
	}{
		{"direct client", "203.0.113.7:5555", "", proxies, "203.0.113.7"},
		{"untrusted peer's X-Forwarded-For is ignored", "203.0.113.7:5555", "198.51.100.1", proxies, "203.0.113.7"},
		{"no proxies configured", "10.1.2.3:80", "198.51.100.1", nil, "10.1.2.3"},
		{"trusted proxy", "10.1.2.3:80", "198.51.100.1", proxies, "198.51.100.1"},
		{"spoofed left part ignored", "10.1.2.3:80", "6.6.6.6, 198.51.100.1", proxies, "198.51.100.1"},
		{"chain of trusted proxies", "10.1.2.3:80", "198.51.100.1, 10.9.9.9", proxies, "198.51.100.1"},
		{"garbage beyond the proxy", "10.1.2.3:80", "not-an-ip, 10.9.9.9", proxies, "10.9.9.9"},
		{"only proxies", "10.1.2.3:80", "10.9.9.9", proxies, "10.9.9.9"},
		{"IPv6 by /64", "[2001:db8:1:2:aaaa::1]:443", "", proxies, "2001:db8:1:2::/64"},
		{"IPv6 proxy, IPv4 client", "[::1]:443", "192.0.2.44", proxies, "192.0.2.44"},
		{"v4-mapped v6", "[::ffff:192.0.2.9]:1", "", nil, "192.0.2.9"},
	} {
		r := httptest.NewRequest("GET", "/v/x", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		th := &Throttle{proxies: tc.proxies}
		if got := th.ClientKey(r); got != tc.want {
			t.Errorf("%s: ClientKey = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// BenchmarkLimiterTake is the cost a throttle adds to a request: one Take on a table of
// 10,000 clients.
func BenchmarkLimiterTake(b *testing.B) {
	l := NewLimiter(Rate{N: 20, Per: 10 * time.Minute}, 50_000, time.Now)
	keys := make([]string, 10_000)
	for i := range keys {
		keys[i] = fmt.Sprintf("198.51.%d.%d", i/256, i%256)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		l.Take(keys[i%len(keys)])
	}
}

// BenchmarkThrottleCheck is what every personal-link and member-page request pays: the
// client's address and two Waits.
func BenchmarkThrottleCheck(b *testing.B) {
	s := New(Options{})
	r := httptest.NewRequest("GET", "/v/x", nil)
	r.RemoteAddr = "198.51.100.7:4444"
	for b.Loop() {
		_ = s.linkThrottle.Check(r)
	}
}
