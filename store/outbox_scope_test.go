package store_test

import (
	"context"
	"testing"

	"github.com/civivote/civivote/outbox"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
)

// election show counts an election's outbox items by ranges of the unique key, not by a
// scan of the whole table's history.
func TestElectionOutboxCountUsesTheKeyIndex(t *testing.T) {
	db := storetest.OpenDSN(t, storetest.NewDatabase(t))
	ctx := context.Background()
	q, args := store.CountByPrefixQuery(outbox.ElectionKeyPrefixes("wise-ra-2023"))
	rows, err := db.SQL().QueryContext(ctx, "EXPLAIN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		plan := map[string]string{}
		for i, c := range cols {
			if b, ok := vals[i].([]byte); ok {
				plan[c] = string(b)
			}
		}
		if plan["key"] != "outbox_dedupe" || plan["type"] != "range" {
			t.Errorf("plan %v: want a range of outbox_dedupe", plan)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Outbox().ElectionOutbox(ctx, "wise-ra-2023"); err != nil || len(got) != 0 {
		t.Errorf("empty outbox: %v, %v", got, err)
	}
}
