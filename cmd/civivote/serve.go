package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/config"
	"github.com/civivote/civivote/roster"
	"github.com/civivote/civivote/scheduler"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/web"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.uber.org/zap"
)

func runServe(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	if err := parseFlags(fs, e, args, "serve", true); err != nil {
		return helpOK(err)
	}
	cfg, log, err := loadConfig(e, config.Load)
	if err != nil {
		return err
	}
	defer log.Sync()
	return serve(ctx, cfg, log)
}

// serve runs the daemon with cfg until ctx ends: `civivote serve`, and `civivote demo`
// once it has set up its election.
func serve(ctx context.Context, cfg *config.Config, log *zap.Logger) error {
	log.Info("starting civivote", zap.String("version", versionString()), zap.Any("config", cfg.Redacted()))

	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	crm, err := newCiviCRM(cfg, log, reg)
	if err != nil {
		return err
	}
	// CiviCRM being down must not stop voting: check it in the background and report.
	go startupSelfCheck(ctx, cfg, crm, log)

	tokens, err := apiTokens(cfg)
	if err != nil {
		return configErr(err)
	}
	holder := scheduler.NewHolderID()
	links := linkConfig(cfg)
	rs := rosterService{Syncer: newSyncer(cfg, db, crm, log, reg), db: db, holder: holder, lc: links, log: log,
		leaseTTL: 2 * cfg.LeaseTTL}

	sched := scheduler.New(scheduler.Options{Leaser: db, Holder: holder, LeaseTTL: cfg.LeaseTTL, Logger: log, Registry: reg})
	if err := sched.Add(scheduler.Job{Name: syncLease, Spec: cfg.SyncSchedule, Run: func(ctx context.Context) error {
		if _, err := rs.Syncer.Sync(ctx, roster.Request{Trigger: "cron"}); err != nil {
			return err
		}
		return reconcileAfterSync(ctx, db, links, log)
	}}); err != nil {
		return configErr(fmt.Errorf("CIVIVOTE_SYNC_SCHEDULE: %w", err))
	}
	if err := sched.Add(lifecycleJob(db, links, cfg.LifecycleSchedule, log)); err != nil {
		return err
	}
	ob, err := newOutboxWorker(cfg, db, crm, holder, reg, nil)
	if err != nil {
		return err
	}
	if err := sched.Add(outboxDrainJob(ob, cfg.OutboxSchedule, log.Named("outbox"))); err != nil {
		return configErr(fmt.Errorf("CIVIVOTE_OUTBOX_SCHEDULE: %w", err))
	}
	sched.Start()
	defer sched.Stop()
	if next, ok := sched.Next(syncLease); ok {
		log.Info("roster sync scheduled", zap.String("schedule", cfg.SyncSchedule), zap.Time("next", next))
	}

	signing, err := cfg.SigningKey()
	if err != nil {
		return configErr(err)
	}
	// wb queues write-backs for the admin API and the dashboard, and after a publish when
	// CIVIVOTE_WRITEBACK_AUTO is on (afterPublish).
	wb := newWritebacks(cfg, db, crm)
	counts := dashboardCounts{db: db, key: signing, afterPublish: func(ctx context.Context, slug, actor string, now time.Time) error {
		_, _, err := wb.afterPublish(ctx, slug, actor, now)
		return err
	}}
	srv := web.New(web.Options{Logger: log, Ready: db, Registry: reg, Tokens: tokens, Roster: rs,
		Elections: electionStore{db: db, lc: links}, Links: linkStore{db: db, lc: links},
		Candidates: db, Outbox: outboxAdmin{q: db.Outbox(), now: time.Now},
		Voters: db, Nominations: db, PublicCandidates: db, Ballots: db, Turnouts: db, Results: db, Challenges: db, Writebacks: writebackAPI{w: wb},
		TokenSecret: []byte(cfg.TokenSecret), PublicURL: cfg.PublicURL, Contact: cfg.HelpContact,
		Limits: webLimits(cfg), Dashboard: dashboardOptions(cfg, db, sched, counts),
		ResultsAdmin: newResultsAdmin(counts, cfg.RetentionDays)})

	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s (CIVIVOTE_LISTEN_ADDR): %w", cfg.ListenAddr, err)
	}
	hs := web.NewHTTPServer(cfg.ListenAddr, srv.Handler(), log)
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	log.Info("listening", zap.String("addr", ln.Addr().String()))

	select {
	case err := <-serveErr:
		return fmt.Errorf("http server stopped: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", zap.Duration("grace", cfg.ShutdownTimeout))
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("requests still running after %s were cut off: %w", cfg.ShutdownTimeout, err)
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// apiTokens turns the configured admin and observer tokens into the digests web compares.
func apiTokens(cfg *config.Config) (web.APITokens, error) {
	var t web.APITokens
	for _, tok := range []struct {
		value string
		dst   **[32]byte
	}{{cfg.AdminToken, &t.Admin}, {cfg.ObserverToken, &t.Observer}} {
		if tok.value == "" {
			continue
		}
		d, err := config.ParseBearerToken(tok.value)
		if err != nil {
			return t, err
		}
		*tok.dst = &d
	}
	return t, nil
}

// startupSelfCheck checks the CiviCRM site once at start-up and logs what is missing, so
// the membership admin learns of a wrong key or field before the first sync or mailing.
func startupSelfCheck(ctx context.Context, cfg *config.Config, crm *civicrm.Client, log *zap.Logger) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	rep, err := crm.SelfCheck(ctx, selfCheckOptions(cfg, true))
	if err != nil && len(rep.Problems) == 0 {
		rep.Problems = []string{err.Error()}
	}
	if len(rep.Problems) == 0 {
		log.Info("CiviCRM self-check passed", zap.Int("current_memberships", rep.CurrentMembers), zap.String("link_mail_token", rep.LinkToken))
		return
	}
	for _, p := range rep.Problems {
		log.Warn("CiviCRM self-check problem (run `civivote check` for the full report)", zap.String("problem", p))
	}
}

// openMigrated opens the database, applies pending migrations and refuses a schema that is
// still behind this binary.
func openMigrated(ctx context.Context, cfg *config.Config, log *zap.Logger) (*store.DB, error) {
	db, err := store.Open(ctx, store.Options{
		DSN:          cfg.MySQLDSN,
		MaxOpenConns: cfg.DBMaxOpenConns,
		StartupWait:  cfg.DBStartupWait,
		Logger:       log,
	})
	if err != nil {
		return nil, err
	}
	mctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	if _, err := db.Migrate(mctx); err != nil {
		db.Close()
		return nil, err
	}
	st, err := db.SchemaStatus(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if !st.Current() {
		db.Close()
		return nil, fmt.Errorf("the database schema is missing migrations %v after migrating; refusing to serve", st.Missing)
	}
	return db, nil
}
