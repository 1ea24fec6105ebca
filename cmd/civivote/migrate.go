package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/civivote/civivote/config"
	"github.com/civivote/civivote/store"
)

func runMigrate(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	if err := parseFlags(fs, e, args, "migrate  (needs only CIVIVOTE_MYSQL_DSN)", false); err != nil {
		return helpOK(err)
	}
	cfg, log, err := loadConfig(e, config.LoadDatabase)
	if err != nil {
		return err
	}
	defer log.Sync()
	db, err := store.Open(ctx, store.Options{DSN: cfg.MySQLDSN, MaxOpenConns: 4, StartupWait: cfg.DBStartupWait, Logger: log})
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	st, err := db.SchemaStatus(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(e.stdout, "The schema is up to date (%d migrations).\n", st.Applied)
		return nil
	}
	for _, m := range applied {
		fmt.Fprintf(e.stdout, "applied %04d_%s\n", m.Version, m.Name)
	}
	fmt.Fprintf(e.stdout, "Applied %d migrations; the schema is up to date (%d migrations).\n", len(applied), st.Applied)
	return nil
}
