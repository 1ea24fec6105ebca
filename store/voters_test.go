package store_test

import (
	"github.com/civivote/civivote/store"
)

// testLinks is the link configuration of every store test that issues links.
var testLinks = store.LinkConfig{Secret: []byte("store-test-token-secret-0123456789abcdef"), Field: "Union_Sync.voting_link"}
