// Command loadvote measures casting over real HTTP: members open their personal links and
// cast ballots against civivote's web server and a real MariaDB, and in the same run it
// measures the server's ceiling of durable single-row commits, so casts/s can be read as
// a share of what the database allows.
//
// It creates a fresh database on the server -dsn names (dropped at the end unless -keep),
// puts -voters members (plus a warm-up share) on the roster, and for each run and each
// concurrency applies the WISE-RA fixture under a new slug with its dates shifted so the
// real clock is inside voting, opens nominations (which issues every member a link, with
// -secret, so loadvote can derive the tokens), nominates and accepts five candidates
// (Treasurer becomes a two-seat co-officership) and opens voting: all through the store's
// own methods. It then starts civivote's web server in-process on a loopback port,
// measures the commit ceiling (-voters autocommit INSERTs of a random 16-byte key from C
// connections), and has C concurrent clients, each member once, GET /v/{token} (the link
// exchange: 303 and the cookie) and POST /member/{slug}/cast with a valid ballot (two
// Treasurer candidates, one Membership Officer, Re-open nominations for a Co-Secretary,
// the rest blank) and the form token, checking for the receipt. The review step is
// skipped: it stores nothing.
//
// It reports per run: casts/s (whole journeys, GET and POST, per second of wall time),
// the POST /cast latency p50/p95/p99, the GET latency, the ceiling and the ratio; then
// the medians over the runs per concurrency.
//
// Usage (MariaDB on 127.0.0.1:3306, root without password, as scripts/with-mariadb):
//
//	go run ./cmd/loadvote -voters 20000 -c 16,32 -runs 3
//	go run ./cmd/loadvote -voters 5000 -c 32 -runs 1 -cpuprofile cast.pprof
//	go tool pprof -top cast.pprof
//
// The clients run in the same process as the server, on the same two cores as MariaDB:
// the figures include the clients' own CPU, as a load generator on the same machine does.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/web"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadvote:", err)
		os.Exit(1)
	}
}

type options struct {
	dsn, fixture, secret, cpuprofile string
	voters, runs, dbConns            int
	conc                             []int
	keep                             bool
}

func parseFlags(args []string, out io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("loadvote", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintln(out, "Usage: loadvote [flags]\n\nCasts ballots over HTTP against civivote's web server and a real MariaDB,\n"+
			"and measures the database's commit ceiling in the same run. See `go doc ./cmd/loadvote`.\n\nFlags:")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.dsn, "dsn", "root@tcp(127.0.0.1:3306)/", "MariaDB/MySQL server DSN; a fresh database is created on it")
	fs.StringVar(&o.fixture, "fixture", "web/testdata/wise-ra-2023.yaml", "election definition to vote on (its dates are shifted to now)")
	fs.StringVar(&o.secret, "secret", "loadvote-token-secret-0123456789abcdef", "token secret the links are issued with")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the first measured cast phase to this file")
	fs.IntVar(&o.voters, "voters", 20000, "voters who cast in each measurement (each once)")
	fs.IntVar(&o.runs, "runs", 3, "runs per concurrency; medians are reported over them")
	fs.IntVar(&o.dbConns, "db-conns", 32, "the web server's database pool (CIVIVOTE_DB_MAX_OPEN_CONNS)")
	cs := fs.String("c", "16,32", "comma-separated client concurrencies")
	fs.BoolVar(&o.keep, "keep", false, "keep the database afterwards")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for _, s := range strings.Split(*cs, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return o, fmt.Errorf("-c: %q is not a concurrency", s)
		}
		o.conc = append(o.conc, n)
	}
	if o.voters < 1 || o.runs < 1 {
		return o, fmt.Errorf("-voters and -runs must be at least 1")
	}
	return o, nil
}

func run(ctx context.Context, args []string, out io.Writer) error {
	o, err := parseFlags(args, out)
	if err != nil {
		return err
	}
	fixture, err := os.ReadFile(o.fixture)
	if err != nil {
		return fmt.Errorf("-fixture: %w (run from the repository root)", err)
	}
	dsn, drop, err := createDatabase(ctx, o.dsn)
	if err != nil {
		return err
	}
	if !o.keep {
		defer drop()
	}
	db, err := store.Open(ctx, store.Options{DSN: dsn, MaxOpenConns: o.dbConns})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	warm := 2 * slices.Max(o.conc)
	members := o.voters + warm
	now := time.Now()
	if err := addMembers(ctx, db, members, now); err != nil {
		return err
	}
	lc := store.LinkConfig{Secret: []byte(o.secret), Field: "Union_Sync.voting_link"}

	srv := web.New(web.Options{Logger: zap.NewNop(), Registry: prometheus.NewRegistry(), Voters: db, Nominations: db,
		PublicCandidates: db, Ballots: db, TokenSecret: lc.Secret, PublicURL: "http://127.0.0.1"})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := web.NewHTTPServer(ln.Addr().String(), srv.Handler(), zap.NewNop())
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	tr := &http.Transport{MaxIdleConns: 4 * warm, MaxIdleConnsPerHost: 4 * warm, IdleConnTimeout: time.Minute}
	hc := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	fmt.Fprintf(out, "loadvote: %d voters per measurement, concurrency %v, %d runs, web pool %d connections, GOMAXPROCS %d\n",
		o.voters, o.conc, o.runs, o.dbConns, runtime.GOMAXPROCS(0))
	type sample struct{ casts, post, ceil result }
	samples := map[int][]sample{}
	profiled := o.cpuprofile == ""
	for r := 1; r <= o.runs; r++ {
		for _, conc := range o.conc {
			slug := fmt.Sprintf("load-r%d-c%d", r, conc)
			t0 := time.Now()
			form, err := openElection(ctx, db, lc, fixture, slug, time.Now())
			if err != nil {
				return fmt.Errorf("%s: %w", slug, err)
			}
			setup := time.Since(t0)
			ceil, err := ceiling(ctx, dsn, conc, o.voters)
			if err != nil {
				return fmt.Errorf("ceiling: %w", err)
			}
			vc := &voterClient{http: hc, base: "http://" + ln.Addr().String(), slug: slug, secret: lc.Secret,
				ballot: url.Values(form).Encode(), getLat: make([]time.Duration, members), postLat: make([]time.Duration, members)}
			cast := func(i int) error { return vc.cast(i, int64(i+1)) }
			if _, err := parallel(conc, 0, warm, cast); err != nil { // warm the pools and caches
				return fmt.Errorf("warm-up: %w", err)
			}
			var stop func()
			if !profiled {
				if stop, err = startProfile(o.cpuprofile); err != nil {
					return err
				}
				profiled = true
			}
			casts, err := parallel(conc, warm, members, cast)
			if stop != nil {
				stop()
			}
			if err != nil {
				return fmt.Errorf("casts: %w", err)
			}
			gets := result{lat: slices.Sorted(slices.Values(vc.getLat[warm:]))}
			posts := result{lat: slices.Sorted(slices.Values(vc.postLat[warm:]))}
			fmt.Fprintf(out, "run %d c=%d (setup %.0fs)\n  ceiling  %s\n  casts    %s (whole journey)\n"+
				"  POST /cast      p50 %5.1f ms p95 %5.1f ms p99 %5.1f ms\n  GET /v/{token}  p50 %5.1f ms p95 %5.1f ms p99 %5.1f ms\n  ratio %.2f\n",
				r, conc, setup.Seconds(), ceil, casts, ms(posts.pct(.5)), ms(posts.pct(.95)), ms(posts.pct(.99)),
				ms(gets.pct(.5)), ms(gets.pct(.95)), ms(gets.pct(.99)), casts.rate()/ceil.rate())
			samples[conc] = append(samples[conc], sample{casts, posts, ceil})
		}
	}
	fmt.Fprintln(out, "medians over the runs: casts/s are whole journeys (GET link, POST cast) per second; latencies are of one")
	fmt.Fprintln(out, "journey and of its POST /cast alone; ratio is casts/s over the ceiling's commits/s:")
	for _, conc := range o.conc {
		s := samples[conc]
		med := func(f func(sample) float64) float64 {
			v := make([]float64, len(s))
			for i := range s {
				v[i] = f(s[i])
			}
			slices.Sort(v)
			return v[len(v)/2]
		}
		fmt.Fprintf(out, "c=%-3d casts %5.0f/s journey p50/p95/p99 %.1f/%.1f/%.1f ms, POST %.1f/%.1f/%.1f ms | ceiling %5.0f/s | ratio %.2f\n", conc,
			med(func(x sample) float64 { return x.casts.rate() }),
			med(func(x sample) float64 { return ms(x.casts.pct(.5)) }), med(func(x sample) float64 { return ms(x.casts.pct(.95)) }),
			med(func(x sample) float64 { return ms(x.casts.pct(.99)) }),
			med(func(x sample) float64 { return ms(x.post.pct(.5)) }), med(func(x sample) float64 { return ms(x.post.pct(.95)) }),
			med(func(x sample) float64 { return ms(x.post.pct(.99)) }),
			med(func(x sample) float64 { return x.ceil.rate() }), med(func(x sample) float64 { return x.casts.rate() / x.ceil.rate() }))
	}
	return nil
}

func startProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
