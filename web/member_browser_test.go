package web_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/civivote/civivote/internal/browsertest"
)

// pageWidths are a small phone, a common phone and a desktop; 320px is also the width of
// a 1280px screen at 400% zoom (WCAG 1.4.10).
var pageWidths = []int64{320, 375, 1280}

func TestBrowserNominationPages(t *testing.T) {
	b := browsertest.New(t)
	shots := browsertest.ScreenshotDir(t)
	env := newStoreEnv(t)
	link := token(101, 0)

	// Opening the link lands on the member's page with the link gone from the URL and
	// kept in an HttpOnly cookie instead.
	b.Do(chromedp.Navigate(env.ts.URL + "/v/" + link))
	loc := browsertest.Eval[string](b, "location.href")
	if loc != env.ts.URL+"/member/wise-ra-2023" || strings.Contains(loc, link) {
		t.Fatalf("after opening the link the browser is at %s", loc)
	}
	cookies, err := chromedp.Run(b.Ctx, func(ctx context.Context, t *chromedp.Target) (network.GetCookiesResult, error) {
		return chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{loc}})
	})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range cookies.Cookies {
		if c.Name == "civivote_link" {
			found = c.Value == link && c.HTTPOnly && c.Path == "/member/wise-ra-2023" && c.SameSite == network.CookieSameSiteLax
		}
	}
	if !found {
		t.Errorf("no HttpOnly, SameSite=Lax civivote_link cookie for the page: %+v", cookies.Cookies)
	}
	if strings.Contains(browsertest.Eval[string](b, "document.cookie"), link) {
		t.Error("page scripts can read the link")
	}
	b.CheckPage(shots, "member", pageWidths...)

	// A 301-word statement: the error summary takes focus and links to the field, and
	// what the member wrote is still there.
	long := "I am Ada Worker, standing for Treasurer. " + words(301-7)
	b.Do(chromedp.Click(chromedp.ID("position-treasurer")), chromedp.SetValue(chromedp.ID("statement"), long),
		chromedp.Click(chromedp.CSS(`form[action$="/nomination"] button[type=submit]`)))
	b.WaitFor(`document.getElementById("error-summary") !== null`)
	b.WaitFor(`document.activeElement && document.activeElement.id === "error-summary"`)
	if got := browsertest.Eval[string](b, `document.getElementById("statement").value`); got != long {
		t.Errorf("the statement was not kept: %q", got)
	}
	if !browsertest.Eval[bool](b, `document.getElementById("position-treasurer").checked`) {
		t.Error("the chosen position was not kept")
	}
	b.CheckPage(shots, "member-error", pageWidths...)
	b.Do(chromedp.Click(chromedp.CSS(`#error-summary a[href="#statement"]`)))
	b.WaitFor(`document.activeElement && document.activeElement.id === "statement"`)
	if n := env.count(`SELECT COUNT(*) FROM candidates`); n != 0 {
		t.Fatal("the refused nomination was stored")
	}

	// Fixed, it is saved and the page says so.
	b.Do(chromedp.SetValue(chromedp.ID("statement"), "I am Ada Worker, standing for Treasurer. "+words(250)),
		chromedp.Click(chromedp.CSS(`form[action$="/nomination"] button[type=submit]`)))
	b.WaitFor(`document.querySelector(".notice-success") !== null`)
	if loc := browsertest.Eval[string](b, "location.pathname + location.search"); loc != "/member/wise-ra-2023?done=saved" {
		t.Errorf("after saving the browser is at %s", loc)
	}
	b.CheckPage(shots, "member-saved", pageWidths...)

	b.Do(chromedp.Click(chromedp.CSS(`a[href$="withdraw?position=treasurer"]`)))
	b.WaitFor(`location.pathname.endsWith("/withdraw")`)
	b.CheckPage(shots, "withdraw", pageWidths...)

	if err := env.db.AcceptCandidate(env.ctx, slug, int64(env.count(`SELECT id FROM candidates WHERE contact_id = 101`)), "test", inNominations); err != nil {
		t.Fatal(err)
	}
	b.Do(chromedp.Navigate(env.ts.URL + "/elections/wise-ra-2023/candidates"))
	b.CheckPage(shots, "candidates", pageWidths...)

	b.Do(chromedp.Navigate(env.ts.URL + "/v/" + link[:10] + "not-a-link-at-all-000000000000000"))
	b.CheckPage(shots, "link-not-found", pageWidths...)
}

func TestBrowserNominationByKeyboardOnly(t *testing.T) {
	b := browsertest.New(t)
	env := newStoreEnv(t)
	b.Do(chromedp.EmulateViewport(375, 800), chromedp.Navigate(env.ts.URL+"/v/"+token(101, 0)))

	// Tab through the page as a keyboard user does, acting on the fields on the way.
	const focused = `(() => { const e = document.activeElement; return e === document.body ? "body" :
		e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : ""); })()`
	var order []string
	for range 80 {
		b.Do(chromedp.KeyEvent(kb.Tab))
		el := browsertest.Eval[string](b, focused)
		if el == "body" {
			continue
		}
		if style := browsertest.Eval[string](b, `getComputedStyle(document.activeElement).outlineStyle`); style == "none" {
			t.Errorf("%s has no visible focus", el)
		}
		switch el {
		case "input#position-co-secretary-2y":
			b.Do(chromedp.KeyEvent(kb.ArrowDown + kb.ArrowDown)) // the third position, Treasurer
			el = browsertest.Eval[string](b, focused)
		case "textarea#statement":
			b.Do(chromedp.KeyEvent("I am Ada Worker, standing for Treasurer by keyboard."))
		case "input#co_officership":
			b.Do(chromedp.KeyEvent(" "))
		}
		order = append(order, el)
		if strings.HasPrefix(el, "button") {
			b.Do(chromedp.KeyEvent(kb.Enter))
			break
		}
	}
	at := func(el string) int {
		i := slices.Index(order, el)
		if i < 0 {
			t.Fatalf("tabbing never reached %s; order: %v", el, order)
		}
		return i
	}
	if !strings.Contains(order[0], "skip-link") {
		t.Errorf("the first Tab stop is %s, want the skip link", order[0])
	}
	if !(at("input#position-treasurer") < at("textarea#statement") && at("textarea#statement") < at("input#co_officership") &&
		at("input#co_officership") < len(order)-1) {
		t.Errorf("tab order is not position, statement, co-officership, submit: %v", order)
	}
	b.WaitFor(`document.querySelector(".notice-success") !== null`)
	cands, _ := env.db.MemberCandidacies(env.ctx, int64(env.count(`SELECT id FROM elections WHERE slug = ?`, slug)), 101)
	if len(cands) != 1 || cands[0].PositionKey != "treasurer" || !cands[0].CoOfficershipConsent ||
		cands[0].Statement != "I am Ada Worker, standing for Treasurer by keyboard." {
		t.Errorf("stored by keyboard: %+v", cands)
	}
	t.Log("tab order:", fmt.Sprint(order))
}
