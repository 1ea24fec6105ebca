package main

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/go-sql-driver/mysql"
)

// result is one measured phase: how many operations, how long, and each one's latency.
type result struct {
	ops     int
	elapsed time.Duration
	lat     []time.Duration // sorted
}

func (r result) rate() float64 { return float64(r.ops) / r.elapsed.Seconds() }

func (r result) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	return r.lat[min(len(r.lat)-1, int(float64(len(r.lat))*p))]
}

func (r result) String() string {
	return fmt.Sprintf("%6.0f/s p50 %5.1f ms p95 %5.1f ms p99 %5.1f ms", r.rate(),
		ms(r.pct(.50)), ms(r.pct(.95)), ms(r.pct(.99)))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// parallel runs op(i) for i in [from, to) from conc goroutines and measures each call.
func parallel(conc, from, to int, op func(i int) error) (result, error) {
	lat := make([]time.Duration, to-from)
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		first atomic.Pointer[error]
	)
	next.Store(int64(from))
	start := time.Now()
	for range conc {
		wg.Go(func() {
			for first.Load() == nil {
				i := int(next.Add(1) - 1)
				if i >= to {
					return
				}
				t0 := time.Now()
				if err := op(i); err != nil {
					first.CompareAndSwap(nil, &err)
					return
				}
				lat[i-from] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := first.Load(); err != nil {
		return result{}, *err
	}
	slices.Sort(lat)
	return result{ops: to - from, elapsed: elapsed, lat: lat}, nil
}

// voterClient is a member's browser reduced to what a cast needs.
type voterClient struct {
	http   *http.Client
	base   string
	slug   string
	secret []byte
	// ballot is the encoded form body without the csrf field.
	ballot string
	// getLat and postLat hold each voter's link exchange and cast latency, by index.
	getLat, postLat []time.Duration
}

// cast is one member voting: open the personal link (GET /v/{token}, which answers 303
// with the cookie), then POST the ballot to /cast with the form token the ballot page
// would carry (derived here from the secret, as the server derives it, to skip fetching
// and parsing the page; the review step is skipped too, since it stores nothing).
func (c *voterClient) cast(i int, contact int64) error {
	token := election.DeriveToken(c.secret, c.slug, contact, 0)
	t0 := time.Now()
	req, _ := http.NewRequest("GET", c.base+"/v/"+token, nil)
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) != 1 {
		return fmt.Errorf("GET /v/TOKEN of contact %d: %d, want 303 with the link cookie", contact, resp.StatusCode)
	}
	t1 := time.Now()
	c.getLat[i] = t1.Sub(t0)
	cookie := resp.Cookies()[0]
	hash := election.HashToken(token)
	mac := hmac.New(sha256.New, c.secret)
	mac.Write([]byte("csrf:" + hex.EncodeToString(hash[:])))
	body := "csrf=" + url.QueryEscape(base64.RawURLEncoding.EncodeToString(mac.Sum(nil))) + "&" + c.ballot
	req, _ = http.NewRequest("POST", c.base+"/member/"+c.slug+"/cast", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	resp, err = c.http.Do(req)
	if err != nil {
		return err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), `class="receipt-code"`) {
		return fmt.Errorf("POST cast of contact %d: %d, want 200 with a receipt", contact, resp.StatusCode)
	}
	c.postLat[i] = time.Since(t1)
	return nil
}

// ceiling measures MariaDB's durable single-row commits: n autocommit INSERTs of a random
// 16-byte key from conc connections, on the same server and in the same database.
func ceiling(ctx context.Context, dsn string, conc, n int) (result, error) {
	// The same client settings as the store's (one round trip per statement).
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return result{}, err
	}
	cfg.InterpolateParams = true
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return result{}, err
	}
	defer db.Close()
	db.SetMaxOpenConns(conc)
	db.SetMaxIdleConns(conc)
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS commit_ceiling (id BINARY(16) NOT NULL PRIMARY KEY) ENGINE=InnoDB`); err != nil {
		return result{}, err
	}
	// Open every connection before the clock starts.
	conns := make([]*sql.Conn, conc)
	for i := range conns {
		if conns[i], err = db.Conn(ctx); err != nil {
			return result{}, err
		}
	}
	for _, c := range conns {
		c.Close()
	}
	return parallel(conc, 0, n, func(int) error {
		key := make([]byte, 16)
		_, _ = rand.Read(key)
		_, err := db.ExecContext(ctx, `INSERT INTO commit_ceiling (id) VALUES (?)`, key)
		return err
	})
}
