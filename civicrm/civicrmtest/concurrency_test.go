package civicrmtest_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/civivote/civivote/civicrm/civicrmtest"
)

// TestConcurrentUse runs writers, readers and fault injection at once;
// under -race it checks the fake is safe for concurrent use.
func TestConcurrentUse(t *testing.T) {
	s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite(), civicrmtest.WithRoster(2000, 1), civicrmtest.WithWorkers(4))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 10 {
				id := 100 + g*10 + i
				doCall(t, s, "Contact", "save", fmt.Sprintf(`{"records":[{"id":%d,"Union_Sync.voting_link":"v%d"}]}`, id, id))
				doCall(t, s, "Membership", "get", memberPage(int64(i*50), 50))
				s.Inject(civicrmtest.Status(502).On("Group", "get"))
				doCall(t, s, "Group", "get", `{}`)
				_ = s.Writes()
			}
		})
	}
	wg.Wait()
	saved := 0
	for id := int64(100); id < 140; id++ {
		if v, _ := s.CustomValue(id, "Union_Sync.voting_link"); v == fmt.Sprintf("v%d", id) {
			saved++
		}
	}
	// A save can only fail if a 502 meant for Group.get hit it, which On forbids.
	if saved != 40 || s.Calls("Contact", "save") != 40 {
		t.Errorf("%d of 40 links saved over %d calls", saved, s.Calls("Contact", "save"))
	}
}
