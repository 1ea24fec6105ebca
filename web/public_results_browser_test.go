package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/civivote/civivote/internal/browsertest"
)

func TestBrowserResults(t *testing.T) {
	b := browsertest.New(t)
	shots := browsertest.ScreenshotDir(t)
	env := newResultsEnv(t)
	base := env.srv.URL + "/elections/" + slug

	b.Do(chromedp.Navigate(base + "/results"))
	b.WaitFor(`document.body.textContent.includes("The results are not published yet")`)
	b.CheckPage(shots, "results-unpublished", pageWidths...)

	env.publish(resultsKey)
	b.Do(chromedp.Navigate(base + "/results"))
	b.WaitFor(`document.querySelector("svg[role=img]") !== null`)
	b.CheckPage(shots, "results", pageWidths...)
	// Every chart has a name for screen readers and a table with the same figures.
	if n := browsertest.Eval[int](b, `[...document.querySelectorAll("figure.results-chart")].filter(f =>
		f.querySelector("svg").getAttribute("aria-labelledby") && f.nextElementSibling.tagName === "TABLE" &&
		f.nextElementSibling.querySelector("caption")).length`); n != 17 {
		t.Errorf("%d charts with a name and a table after them, want 17", n)
	}
	// The bars' numbers are text, drawn inside the chart's width at 320px.
	b.Do(chromedp.EmulateViewport(320, 800))
	if over := browsertest.Eval[float64](b, `Math.max(...[...document.querySelectorAll(".results-chart-value")].map(t =>
		t.getBoundingClientRect().right - t.ownerSVGElement.getBoundingClientRect().right))`); over > 0 {
		t.Errorf("a bar's number sticks out of its chart by %.0fpx at 320px", over)
	}

	b.Do(chromedp.Click(chromedp.CSS(`a[href$="/receipt"]`)))
	b.WaitFor(`document.getElementById("receipt") !== null`)
	b.CheckPage(shots, "receipt-form", pageWidths...)

	b.Do(chromedp.SendKeys(chromedp.ID("receipt"), "K7QF0"), chromedp.Click(chromedp.CSS(`form button[type=submit]`)))
	b.WaitFor(`document.activeElement && document.activeElement.id === "error-summary"`)
	b.CheckPage(shots, "receipt-malformed", pageWidths...)

	var code string
	for c := range env.receipts {
		code = c
		break
	}
	b.Do(chromedp.SetValue(chromedp.ID("receipt"), code), chromedp.Click(chromedp.CSS(`form button[type=submit]`)))
	b.WaitFor(`document.body.textContent.includes("Counted.")`)
	b.CheckPage(shots, "receipt-counted", pageWidths...)

	b.Do(chromedp.SetValue(chromedp.ID("receipt"), "ZZZZZ-ZZZZZ-ZZZZZ"), chromedp.Click(chromedp.CSS(`form button[type=submit]`)))
	b.WaitFor(`document.body.textContent.includes("Not found.")`)
	b.CheckPage(shots, "receipt-not-found", pageWidths...)
}
