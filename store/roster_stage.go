package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/civivote/civivote/roster"
)

// The staging area of a sync run is a temporary table: private to the run's connection
// (a dry run and a real run never see each other's rows), gone when the connection closes
// (a crashed run leaves nothing to clean up), and dropped at once instead of deleting a
// million rows.
const (
	dropStage   = `DROP TEMPORARY TABLE IF EXISTS roster_stage`
	createStage = `CREATE TEMPORARY TABLE roster_stage (
  contact_id        BIGINT UNSIGNED NOT NULL,
  membership_id     BIGINT UNSIGNED NOT NULL,
  display_name      VARCHAR(255) NOT NULL,
  email             VARCHAR(254) NULL,
  external_id       VARCHAR(64) NULL,
  membership_type   VARCHAR(128) NOT NULL,
  membership_status VARCHAR(128) NOT NULL,
  membership_count  SMALLINT UNSIGNED NOT NULL,
  join_date         DATE NULL,
  start_date        DATE NULL,
  end_date          DATE NULL,
  row_hash          BIGINT UNSIGNED NOT NULL,
  fold_key          BIGINT NOT NULL,
  PRIMARY KEY (contact_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`
)

// stageUpsert folds a contact's memberships as they arrive, by roster.Fold's rule: the
// higher fold_key wins every field. MySQL applies the assignments left to right, so
// fold_key, which the others compare against, is assigned last.
const stageUpsert = ` ON DUPLICATE KEY UPDATE
  membership_id     = IF(VALUES(fold_key) > fold_key, VALUES(membership_id), membership_id),
  display_name      = IF(VALUES(fold_key) > fold_key, VALUES(display_name), display_name),
  email             = IF(VALUES(fold_key) > fold_key, VALUES(email), email),
  external_id       = IF(VALUES(fold_key) > fold_key, VALUES(external_id), external_id),
  membership_type   = IF(VALUES(fold_key) > fold_key, VALUES(membership_type), membership_type),
  membership_status = IF(VALUES(fold_key) > fold_key, VALUES(membership_status), membership_status),
  join_date         = IF(VALUES(fold_key) > fold_key, VALUES(join_date), join_date),
  start_date        = IF(VALUES(fold_key) > fold_key, VALUES(start_date), start_date),
  end_date          = IF(VALUES(fold_key) > fold_key, VALUES(end_date), end_date),
  row_hash          = row_hash ^ VALUES(row_hash),
  membership_count  = membership_count + VALUES(membership_count),
  fold_key          = GREATEST(fold_key, VALUES(fold_key))`

type rosterStage struct {
	db    *DB
	conn  *sql.Conn
	runID int64
	sql   strings.Builder
	args  []any
}

// Stage opens the staging area of sync run runID on a connection of its own.
func (s *DB) Stage(ctx context.Context, runID int64) (roster.Stage, error) {
	conn, err := s.sql.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: stage sync run %d: %w", runID, err)
	}
	for _, q := range []string{dropStage, createStage} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			conn.Close()
			return nil, fmt.Errorf("store: stage sync run %d: create the staging table: %w", runID, err)
		}
	}
	return &rosterStage{db: s, conn: conn, runID: runID}, nil
}

// Close drops the staging table and gives the connection back.
func (st *rosterStage) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := st.conn.ExecContext(ctx, dropStage)
	if cerr := st.conn.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("store: close the staging area of sync run %d: %w", st.runID, err)
	}
	return nil
}

// Put stages members with one multi-row upsert.
func (st *rosterStage) Put(ctx context.Context, ms []roster.Member) error {
	if len(ms) == 0 {
		return nil
	}
	b := &st.sql
	b.Reset()
	st.args = st.args[:0]
	b.WriteString(`INSERT INTO roster_stage (contact_id, membership_id, display_name, email, external_id,
		membership_type, membership_status, membership_count, join_date, start_date, end_date, row_hash, fold_key) VALUES `)
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?)")
		st.args = append(st.args, m.ContactID, m.MembershipID, clip(m.DisplayName, 255), nullString(clip(m.Email, 254)),
			nullString(clip(m.ExternalID, 64)), clip(m.Type, 128), clip(m.Status, 128), max(m.Memberships, 1),
			nullDate(m.JoinDate), nullDate(m.StartDate), nullDate(m.EndDate), m.Hash, m.FoldKey())
	}
	b.WriteString(stageUpsert)
	if _, err := st.conn.ExecContext(ctx, b.String(), st.args...); err != nil {
		return fmt.Errorf("store: stage %d members (contacts %d…%d): %w", len(ms), ms[0].ContactID, ms[len(ms)-1].ContactID, err)
	}
	return nil
}

// FoldMirrored stages the mirrored rows of contactIDs, folding them into what is staged.
func (st *rosterStage) FoldMirrored(ctx context.Context, contactIDs []int64) error {
	for len(contactIDs) > 0 {
		chunk := contactIDs[:min(len(contactIDs), 1000)]
		contactIDs = contactIDs[len(chunk):]
		rows, err := st.conn.QueryContext(ctx, `SELECT `+memberColumns+` FROM members WHERE contact_id IN (`+
			placeholders(len(chunk))+`)`, int64Args(chunk)...)
		if err != nil {
			return fmt.Errorf("store: fold mirrored members: %w", err)
		}
		var ms []roster.Member
		for rows.Next() {
			m, err := scanMember(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("store: fold mirrored members: %w", err)
			}
			ms = append(ms, m.Member)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: fold mirrored members: %w", err)
		}
		if err := st.Put(ctx, ms); err != nil {
			return err
		}
	}
	return nil
}

// clip cuts s to at most n characters, so strict mode never rejects a whole run for one
// overlong name.
func clip(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.DateOnly)
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
