package letters_test

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/letters"
	"rsc.io/qr"
)

func testElection() letters.Election {
	return letters.Election{Title: "2023 IWW WISE-RA Regional Administration Officer Elections",
		VotingOpens: "Wed 1 Feb 2023 00:01 GMT", VotingCloses: "Tue 28 Feb 2023 23:59 GMT", Timezone: "Europe/London",
		Contact: "the election committee at elections@example.org", Printed: time.Date(2023, 1, 20, 9, 0, 0, 0, time.UTC)}
}

func testLetters() []letters.Letter {
	return []letters.Letter{
		{Name: "Łukasz Wiśniewska", Address: []string{"12 Granby Row", "Flat 3", "Manchester", "M1 7AB", "United Kingdom"},
			Link: "https://vote.example.org/v/AAAAbbbbCCCCddddEEEEffff0123456789-_xyzw"},
		{Name: "Şükrü Yılmaz", Address: []string{"4 Dale Street", "Liverpool", "L2 5TF", "United Kingdom"},
			Link: "https://vote.example.org/v/ZZZZyyyyXXXXwwwwVVVVuuuu9876543210_-abcd"},
		{Name: "Siobhán O'Brien", Address: []string{"88 Leith Walk", "Edinburgh", "EH6 5HB", "United Kingdom"},
			Link: "https://vote.example.org/v/qqqqRRRRssssTTTTuuuuVVVV1111222233334444"},
	}
}

// TestRenderPrintsALetterPerMemberWithTheirLink renders three letters and reads the PDF
// back: a page each, with the names as written, the address, the dates and the link.
func TestRenderPrintsALetterPerMemberWithTheirLink(t *testing.T) {
	var buf bytes.Buffer
	ls := testLetters()
	if err := letters.Render(&buf, testElection(), ls); err != nil {
		t.Fatal(err)
	}
	pages := regexp.MustCompile(`/Type /Page\b[^s]`).FindAll(buf.Bytes(), -1)
	if len(pages) != len(ls) {
		t.Errorf("%d pages, want one per letter (%d)", len(pages), len(ls))
	}
	if n := bytes.Count(buf.Bytes(), []byte("/Subtype /Image")); n != len(ls) {
		t.Errorf("%d images, want one QR code per letter (%d)", n, len(ls))
	}
	text := pdfText(t, buf.Bytes())
	if text == "" {
		return
	}
	byPage := strings.Split(text, "\f")
	for i, l := range ls {
		pg := strings.Join(strings.Fields(byPage[i]), " ")
		for _, want := range append([]string{l.Name, "Dear " + l.Name, l.Link, "Wed 1 Feb 2023 00:01 GMT",
			"Tue 28 Feb 2023 23:59 GMT", "Europe/London", "elections@example.org"}, l.Address...) {
			if !strings.Contains(pg, want) {
				t.Errorf("page %d lacks %q:\n%s", i+1, want, pg)
			}
		}
		for j, other := range ls {
			if j != i && strings.Contains(pg, other.Link) {
				t.Errorf("page %d holds the link of letter %d", i+1, j+1)
			}
		}
	}
}

// pdfText extracts the text with poppler's pdftotext, an independent reader; without it
// the text checks are skipped (apt-get install poppler-utils).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is missing: install poppler-utils so the letters' text is checked")
		}
		t.Log("pdftotext not installed (apt-get install poppler-utils): the letters' text is not checked")
		return ""
	}
	in := filepath.Join(t.TempDir(), "letters.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// TestQRCodeEncodesTheLink checks the QR image module by module against an independent
// encoding of the link (rsc.io/qr cannot decode).
func TestQRCodeEncodesTheLink(t *testing.T) {
	link := testLetters()[0].Link
	b, err := letters.QRPNG(link)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := qr.Encode(link, qr.M)
	scale := img.Bounds().Dx() / (want.Size + 8) // four modules of quiet zone each side
	if scale < 1 {
		t.Fatalf("QR image %v too small for %d modules", img.Bounds(), want.Size)
	}
	for y := 0; y < want.Size; y++ {
		for x := 0; x < want.Size; x++ {
			r, _, _, _ := img.At((x+4)*scale+scale/2, (y+4)*scale+scale/2).RGBA()
			if black := r < 0x8000; black != want.Black(x, y) {
				t.Fatalf("module (%d,%d) is black=%v, want %v", x, y, black, want.Black(x, y))
			}
		}
	}
}
