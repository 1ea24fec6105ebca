package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/config"
	"github.com/civivote/civivote/store"
)

const demoUsage = `demo [--members N] [--listen ADDR] [--fast DURATION [--exit]]

Runs a whole election on this machine: a fake CiviCRM in this process holding a generated
union, the WISE-RA 2023 election with its dates moved so voting is open now, candidates with
statements, a personal link for every member written to the fake CiviCRM, and civivote
serving the member pages and the committee's dashboard. Needs only CIVIVOTE_MYSQL_DSN, naming
an empty database (` + "`make demo`" + ` creates one). It never talks to a real CiviCRM.`

// demoOptions are the demo's flags.
type demoOptions struct {
	members int
	seed    int64
	listen  string
	fast    time.Duration
	exit    bool
	turnout int // percent of voters who vote with --fast
}

func runDemo(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	var o demoOptions
	fs.IntVar(&o.members, "members", 3000, "memberships in the generated union (about 85% current)")
	fs.Int64Var(&o.seed, "seed", 1, "seed of the generated union: the same seed gives the same members")
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8080", "`address` to serve on (another free port is taken when it is busy)")
	fs.DurationVar(&o.fast, "fast", 0, "cast synthetic ballots, close voting after this `duration` and count (e.g. 2m)")
	fs.BoolVar(&o.exit, "exit", false, "with --fast: exit once the results are out instead of serving until Ctrl-C")
	fs.IntVar(&o.turnout, "turnout", 60, "with --fast: percent of members who cast a synthetic ballot")
	if err := parseFlags(fs, e, args, demoUsage, false); err != nil {
		return helpOK(err)
	}
	switch {
	case o.exit && o.fast <= 0:
		return usageErr("civivote demo: --exit needs --fast (without it the demo serves until Ctrl-C)")
	case o.members < 100:
		return usageErr("civivote demo: --members %d is too few for the demo's candidates; give 100 or more", o.members)
	case o.turnout < 0 || o.turnout > 100:
		return usageErr("civivote demo: --turnout %d is not a percentage", o.turnout)
	}
	if e.getenv("CIVIVOTE_MYSQL_DSN") == "" && e.getenv("CIVIVOTE_MYSQL_DSN_FILE") == "" {
		return configErr(errors.New("civivote demo needs a MariaDB/MySQL database: set CIVIVOTE_MYSQL_DSN to an empty database it may use, or run `make demo`, which starts MariaDB and creates one"))
	}
	return demo(ctx, e, o)
}

// freeAddr returns addr when it can be listened on, else a free port on its host.
func freeAddr(addr string) (string, bool, error) {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		defer ln.Close()
		return ln.Addr().String(), false, nil // port 0 becomes the port it picked
	}
	host, _, serr := net.SplitHostPort(addr)
	if serr != nil {
		return "", false, fmt.Errorf("--listen %q: %w; use host:port such as 127.0.0.1:8080", addr, serr)
	}
	ln, lerr := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if lerr != nil {
		return "", false, fmt.Errorf("cannot listen on %s (%v) nor on another port of %s: %w", addr, err, host, lerr)
	}
	defer ln.Close()
	return ln.Addr().String(), true, nil
}

// startFake serves the fake CiviCRM on a loopback port until ctx ends.
func startFake(ctx context.Context, o demoOptions) (*civicrmtest.Server, string, func(), error) {
	fake := civicrmtest.New(civicrmtest.WithTranscriptSite(), civicrmtest.WithUnion(o.members, o.seed), civicrmtest.WithWorkers(4))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, fmt.Errorf("listen for the fake CiviCRM: %w", err)
	}
	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	stop := func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}
	return fake, "http://" + ln.Addr().String(), stop, nil
}

// demoRun holds what the steps share.
type demoRun struct {
	o       demoOptions
	p       *progress
	fake    *civicrmtest.Server
	cfg     *config.Config
	db      *store.DB
	crm     *civicrm.Client
	envFile string // the demo's configuration for other civivote commands
	receipt string // one synthetic voter's receipt code, with --fast
	lc      store.LinkConfig
	admin   string
	base    string
	members []int64 // contacts in good standing
}

func demo(ctx context.Context, e env, o demoOptions) error {
	p := newProgress(e.stdout)
	d := &demoRun{o: o, p: p}
	fmt.Fprintln(e.stdout, "civivote demo: a whole union election on this machine. Ctrl-C stops it.")

	p.step("Starting a fake CiviCRM in this process with a generated union of %d memberships (seed %d)", o.members, o.seed)
	fake, fakeURL, stopFake, err := startFake(ctx, o)
	if err != nil {
		return err
	}
	defer stopFake()
	d.fake = fake
	p.done("fake CiviCRM at %s: %d current memberships, names in many languages, postal addresses", fakeURL, fake.CurrentMembers())

	addr, moved, err := freeAddr(o.listen)
	if err != nil {
		return err
	}
	if moved {
		p.say("%s is busy: serving on %s instead", o.listen, addr)
	}
	dc, err := demoEnv(e, fakeURL, addr)
	if err != nil {
		return err
	}
	cfg, log, err := loadConfig(dc.env, config.Load)
	if err != nil {
		return err
	}
	defer log.Sync()
	d.cfg, d.admin, d.base, d.lc = cfg, dc.admin, "http://"+addr, linkConfig(cfg)
	if d.envFile, err = dc.writeEnvFile(); err != nil {
		return err
	}
	defer os.Remove(d.envFile)

	p.step("Migrating the database")
	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return fmt.Errorf("%w (is CIVIVOTE_MYSQL_DSN right and the server running? `make demo` starts one)", err)
	}
	defer db.Close()
	d.db = db
	if list, err := db.ListElections(ctx); err != nil {
		return err
	} else if len(list) > 0 {
		return fmt.Errorf("the database already holds %d election(s) (%s first): the demo needs an empty database; give CIVIVOTE_MYSQL_DSN a new one (`make demo` creates a fresh one each run)", len(list), list[0].Definition.Slug)
	}
	p.done("schema up to date")

	if err := d.setUp(ctx, log); err != nil {
		return err
	}

	p.step("Starting civivote: member pages, public pages, admin API and dashboard on %s", d.base)
	sctx, stopServe := context.WithCancel(ctx)
	defer stopServe()
	serveErr := make(chan error, 1)
	go func() { serveErr <- serve(sctx, cfg, log) }()
	if err := waitReady(ctx, d.base, serveErr); err != nil {
		return err
	}
	p.done("serving")
	if err := d.printWelcome(ctx, e); err != nil {
		return err
	}

	if o.fast > 0 {
		err := d.fastForward(ctx)
		if err == nil {
			err = d.results(ctx, e)
		}
		if err != nil {
			stopServe()
			<-serveErr
			return err
		}
	}
	if !o.exit {
		fmt.Fprintln(e.stdout, "\nServing until Ctrl-C.")
		select {
		case <-ctx.Done():
		case err := <-serveErr:
			return err
		}
	}
	stopServe()
	if err := <-serveErr; err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "\ncivivote demo stopped; the fake CiviCRM and its members are gone (they lived in memory).")
	return nil
}

// waitReady polls /readyz until the server answers or fails.
func waitReady(ctx context.Context, base string, serveErr <-chan error) error {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-serveErr:
			return fmt.Errorf("civivote stopped while starting: %w", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("civivote did not become ready on %s within a minute", base)
}
