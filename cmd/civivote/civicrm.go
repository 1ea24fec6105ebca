package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/config"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

func newCiviCRM(cfg *config.Config, log *zap.Logger, reg prometheus.Registerer) (*civicrm.Client, error) {
	style, err := civicrm.ParsePathStyle(cfg.CiviCRMPathStyle)
	if err != nil {
		return nil, configErr(fmt.Errorf("CIVIVOTE_CIVICRM_PATH_STYLE: %w", err))
	}
	c, err := civicrm.New(civicrm.Config{
		BaseURL:   cfg.CiviCRMURL,
		APIKey:    cfg.CiviCRMAPIKey,
		PathStyle: style,
		Timeout:   cfg.CiviCRMTimeout,
		PageSize:  cfg.CiviCRMPageSize,
		UserAgent: "civivote/" + versionString(),
	}, log.Named("civicrm"), reg)
	if err != nil {
		return nil, configErr(err)
	}
	return c, nil
}

// selfCheckOptions says what civivote is configured to use on the CiviCRM site.
func selfCheckOptions(cfg *config.Config, createMissing bool) civicrm.SelfCheckOptions {
	return civicrm.SelfCheckOptions{
		LinkField:              cfg.CiviCRMLinkField,
		OrgContactID:           cfg.CiviCRMOrgID,
		RelationshipType:       cfg.CiviCRMOfficer,
		CreateRelationshipType: createMissing && cfg.CiviCRMOrgID != 0,
		CheckWrites:            true,
	}
}

// writeSelfCheck prints a self-check report for the CiviCRM administrator.
func writeSelfCheck(w io.Writer, cfg *config.Config, rep civicrm.SelfCheckReport) {
	fmt.Fprintf(w, "CiviCRM at %s\n", cfg.CiviCRMURL)
	fmt.Fprintf(w, "  current memberships:   %d\n", rep.CurrentMembers)
	if rep.LinkFieldID != 0 {
		fmt.Fprintf(w, "  voting link field:     %s (custom field %d; use %s in CiviMail)\n", cfg.CiviCRMLinkField, rep.LinkFieldID, rep.LinkToken)
	}
	if cfg.CiviCRMOrgID != 0 && rep.OrgName != "" {
		fmt.Fprintf(w, "  organisation:          %s (contact %d)\n", rep.OrgName, cfg.CiviCRMOrgID)
	}
	if rep.RelationshipTypeID != 0 {
		created := ""
		if rep.RelationshipTypeCreated {
			created = ", created now"
		}
		fmt.Fprintf(w, "  officer relationship:  %s (type %d%s)\n", cfg.CiviCRMOfficer, rep.RelationshipTypeID, created)
	}
	if cfg.CiviCRMOrgID == 0 {
		fmt.Fprintln(w, "  write-back:            off (set CIVIVOTE_CIVICRM_ORG_CONTACT_ID to record officers)")
	}
	if len(rep.Problems) == 0 {
		fmt.Fprintln(w, "Everything civivote needs is in place.")
		return
	}
	fmt.Fprintf(w, "%d problem(s):\n", len(rep.Problems))
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "  - %s\n", strings.ReplaceAll(p, "\n", "\n    "))
	}
}

// runCheck checks the connection to CiviCRM and everything civivote needs there.
func runCheck(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fix := fs.Bool("create-missing", false, "create the officer relationship type when it is missing")
	if err := parseFlags(fs, e, args, "check [--create-missing]", true); err != nil {
		return helpOK(err)
	}
	cfg, log, err := loadConfig(e, config.Load)
	if err != nil {
		return err
	}
	defer log.Sync()
	client, err := newCiviCRM(cfg, log, prometheus.NewRegistry())
	if err != nil {
		return err
	}
	rep, err := client.SelfCheck(ctx, selfCheckOptions(cfg, *fix))
	if err != nil && len(rep.Problems) == 0 {
		return fmt.Errorf("checking CiviCRM: %w", err)
	}
	writeSelfCheck(e.stdout, cfg, rep)
	if len(rep.Problems) > 0 {
		return fmt.Errorf("civivote check: CiviCRM is not ready for civivote (%d problems above)", len(rep.Problems))
	}
	return nil
}
