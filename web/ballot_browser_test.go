package web_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/internal/browsertest"
	"github.com/google/go-cmp/cmp"
)

func TestBrowserVoting(t *testing.T) {
	b := browsertest.New(t)
	shots := browsertest.ScreenshotDir(t)
	env := newVotingEnv(t)
	ann, ben, dan := env.id("Ann Treasurer"), env.id("Ben Treasurer"), env.id("Dan Membership")

	b.Do(chromedp.Navigate(env.ts.URL + "/v/" + token(101, 0)))
	if loc := browsertest.Eval[string](b, "location.pathname"); loc != "/member/"+slug {
		t.Fatalf("after opening the link the browser is at %s", loc)
	}
	b.CheckPage(shots, "ballot", pageWidths...)

	// A statement opens without JavaScript of ours.
	if browsertest.Eval[bool](b, `document.querySelector("details.statement-details").open`) {
		t.Error("statements start open")
	}
	b.Do(chromedp.Click(chromedp.CSS(`details.statement-details summary`)))
	b.WaitFor(`document.querySelector("details.statement-details").open`)

	// Three choices for two seats: the error summary takes focus, links to the position,
	// and the choices are kept.
	b.Do(chromedp.Click(chromedp.ID("treasurer-"+ann)), chromedp.Click(chromedp.ID("treasurer-"+ben)),
		chromedp.Click(chromedp.ID("treasurer-RON")), chromedp.Click(chromedp.ID("membership-officer-"+dan)),
		chromedp.Click(chromedp.ID("co-secretary-2y-RON")), chromedp.Click(chromedp.CSS(`form[action$="/review"] button[type=submit]`)))
	b.WaitFor(`document.activeElement && document.activeElement.id === "error-summary"`)
	for _, id := range []string{"treasurer-" + ann, "treasurer-" + ben, "treasurer-RON", "membership-officer-" + dan} {
		if !browsertest.Eval[bool](b, fmt.Sprintf(`document.getElementById(%q).checked`, id)) {
			t.Errorf("%s was not kept", id)
		}
	}
	b.CheckPage(shots, "ballot-error", pageWidths...)
	b.Do(chromedp.Click(chromedp.CSS(`#error-summary a[href="#treasurer-` + ann + `"]`)))
	b.WaitFor(fmt.Sprintf(`document.activeElement && document.activeElement.id === "treasurer-%s"`, ann))

	b.Do(chromedp.Click(chromedp.ID("treasurer-RON")), chromedp.Click(chromedp.CSS(`form[action$="/review"] button[type=submit]`)))
	b.WaitFor(`document.querySelector("dl.review") !== null`)
	b.CheckPage(shots, "review", pageWidths...)

	// "Change my choices" goes back to the ballot with them ticked.
	b.Do(chromedp.Click(chromedp.CSS(`input[name=change_choices] ~ button`)))
	b.WaitFor(`document.getElementById("ballot") !== null`)
	if !browsertest.Eval[bool](b, fmt.Sprintf(`document.getElementById("treasurer-%s").checked && document.getElementById("co-secretary-2y-RON").checked`, ben)) {
		t.Error("changing my choices lost them")
	}
	b.Do(chromedp.Click(chromedp.CSS(`form[action$="/review"] button[type=submit]`)))
	b.WaitFor(`document.querySelector("dl.review") !== null`)
	if env.state()[0] != 0 {
		t.Fatal("a ballot was stored before casting")
	}
	b.Do(chromedp.Click(chromedp.CSS(`form[action$="/cast"] button[type=submit]`)))
	b.WaitFor(`document.querySelector(".receipt-code") !== null`)
	code := browsertest.Eval[string](b, `document.querySelector(".receipt-code code").textContent`)
	if got := env.receipts(); len(got) != 1 || got[0] != code {
		t.Errorf("receipt on the page %q, stored %v", code, got)
	}
	want := []election.Choices{{"treasurer": {env.cand["Ann Treasurer"], env.cand["Ben Treasurer"]},
		"membership-officer": {env.cand["Dan Membership"]}, "co-secretary-2y": {election.RON}}}
	if diff := cmp.Diff(want, env.storedBallots()); diff != "" {
		t.Errorf("stored ballot (-want +got):\n%s", diff)
	}
	b.CheckPage(shots, "receipt", pageWidths...)

	b.Do(chromedp.Navigate(env.ts.URL + "/member/" + slug))
	b.WaitFor(`document.body.textContent.includes("You have already voted")`)
	b.CheckPage(shots, "voted", pageWidths...)

	env.setClock(inVoting.AddDate(0, 1, 0))
	b.Do(chromedp.Navigate(env.ts.URL + "/v/" + token(102, 0)))
	b.WaitFor(`document.body.textContent.includes("Voting closed on")`)
	b.CheckPage(shots, "voting-closed", pageWidths...)
}

func TestBrowserVotingByKeyboardOnly(t *testing.T) {
	b := browsertest.New(t)
	env := newVotingEnv(t)
	ann, dan := env.id("Ann Treasurer"), env.id("Dan Membership")
	b.Do(chromedp.EmulateViewport(375, 800), chromedp.Navigate(env.ts.URL+"/v/"+token(102, 0)))

	const focused = `(() => { const e = document.activeElement; return e === document.body ? "body" :
		e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : ""); })()`
	// tabUntil tabs through the page, acting on the way, until the focused element starts
	// with stop; it presses Enter there and returns the tab order.
	tabUntil := func(stop string, act map[string]string) []string {
		var order []string
		for range 300 {
			b.Do(chromedp.KeyEvent(kb.Tab))
			el := browsertest.Eval[string](b, focused)
			if el == "body" {
				continue
			}
			if style := browsertest.Eval[string](b, `getComputedStyle(document.activeElement).outlineStyle`); style == "none" {
				t.Errorf("%s has no visible focus", el)
			}
			if keys, ok := act[el]; ok {
				b.Do(chromedp.KeyEvent(keys))
				el = browsertest.Eval[string](b, focused)
			}
			order = append(order, el)
			if strings.HasPrefix(el, stop) {
				b.Do(chromedp.KeyEvent(kb.Enter))
				return order
			}
		}
		t.Fatalf("tabbing never reached %s; order: %v", stop, order)
		return nil
	}
	order := tabUntil("button", map[string]string{
		"input#treasurer-" + ann: " ",
		// The radio group's tab stop is its checked radio, "Leave blank", the last one:
		// up twice passes Re-open nominations and lands on Dan Membership.
		"input#membership-officer-blank": kb.ArrowUp + kb.ArrowUp,
	})
	if !strings.Contains(order[0], "skip-link") {
		t.Errorf("the first Tab stop is %s, want the skip link", order[0])
	}
	if i, j := slices.Index(order, "input#treasurer-"+ann), slices.Index(order, "input#membership-officer-"+dan); i < 0 || j < i {
		t.Errorf("tab order does not reach Treasurer then Membership Officer: %v", order)
	}
	b.WaitFor(`document.querySelector("dl.review") !== null`)
	tabUntil("button", nil)
	b.WaitFor(`document.querySelector(".receipt-code") !== null`)
	want := []election.Choices{{"treasurer": {env.cand["Ann Treasurer"]}, "membership-officer": {env.cand["Dan Membership"]}}}
	if diff := cmp.Diff(want, env.storedBallots()); diff != "" {
		t.Errorf("ballot cast by keyboard (-want +got):\n%s", diff)
	}
	t.Log("tab order:", fmt.Sprint(order))
}
