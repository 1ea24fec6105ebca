package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/civivote/civivote/internal/browsertest"
)

func TestBrowserChallengedBallot(t *testing.T) {
	b := browsertest.New(t)
	shots := browsertest.ScreenshotDir(t)
	env := newChallengeEnv(t, true)
	ann := env.id("Ann Treasurer")

	// A lapsed member's own link leads to the challenged ballot.
	b.Do(chromedp.Navigate(env.ts.URL + "/v/" + token(103, 0)))
	if loc := browsertest.Eval[string](b, "location.pathname"); loc != "/member/"+slug+"/challenge" {
		t.Fatalf("after opening the link the browser is at %s", loc)
	}
	b.CheckPage(shots, "challenge", pageWidths...)

	// No reason: the error summary takes focus and links to the field; choices are kept.
	b.Do(chromedp.Click(chromedp.ID("treasurer-"+ann)), chromedp.Click(chromedp.CSS(`form[action$="/challenge/review"] button[type=submit]`)))
	b.WaitFor(`document.activeElement && document.activeElement.id === "error-summary"`)
	if !browsertest.Eval[bool](b, `document.getElementById("treasurer-`+ann+`").checked`) {
		t.Error("the choice was not kept")
	}
	b.CheckPage(shots, "challenge-error", pageWidths...)
	b.Do(chromedp.Click(chromedp.CSS(`#error-summary a[href="#reason"]`)))
	b.WaitFor(`document.activeElement && document.activeElement.id === "reason"`)

	b.Do(chromedp.SendKeys(chromedp.ID("reason"), "I paid my dues on 3 February."),
		chromedp.Click(chromedp.CSS(`form[action$="/challenge/review"] button[type=submit]`)))
	b.WaitFor(`document.querySelector("dl.review") !== null`)
	if !browsertest.Eval[bool](b, `document.body.textContent.includes("I paid my dues on 3 February.")`) {
		t.Error("the review does not show the reason")
	}
	b.CheckPage(shots, "challenge-review", pageWidths...)
	b.Do(chromedp.Click(chromedp.CSS(`form[action$="/challenge/cast"] button[type=submit]`)))
	b.WaitFor(`document.querySelector(".receipt-code") !== null`)
	if !browsertest.Eval[bool](b, `document.body.textContent.includes("counted only if the election committee accepts it")`) {
		t.Error("the receipt does not say the ballot is challenged")
	}
	b.CheckPage(shots, "challenge-receipt", pageWidths...)
	if n := env.count(`SELECT COUNT(*) FROM challenged_ballots WHERE contact_id = 103 AND status = 'open'`); n != 1 {
		t.Errorf("%d open challenged ballots, want 1", n)
	}

	b.Do(chromedp.Navigate(env.ts.URL + "/member/" + slug))
	b.WaitFor(`document.body.textContent.includes("You have cast a challenged ballot")`)
	b.CheckPage(shots, "challenge-status", pageWidths...)
}
