// Package letters renders the printed notice of an election for members a mailing cannot
// reach: one A4 page per member with their name and postal address, the election's dates
// in its time zone, their personal link and a QR code of it. Laws such as the US LMRDA
// require a mailed notice; this is how a union sends one.
//
// The pages are set in the Go fonts (golang.org/x/image/font/gofont), embedded as UTF-8
// TrueType, so names such as "Łukasz Wiśniewska" or "Şükrü Yılmaz" print as written; the
// PDF core fonts know only Windows-1252.
package letters

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"rsc.io/qr"
)

// Election is what every letter of one election says.
type Election struct {
	Title        string
	VotingOpens  string // already formatted in the election's zone, e.g. "Wed 1 Feb 2023 00:01 GMT"
	VotingCloses string
	Timezone     string // IANA name, said once so members abroad know which clock counts
	Contact      string // whom to ask, e.g. "the election committee at elections@example.org"
	Printed      time.Time
}

// Letter is one member's page. Link is the member's personal link: a secret, so the
// caller derives it when printing and keeps it nowhere else.
type Letter struct {
	Name    string
	Address []string
	Link    string
}

// QRPNG returns the QR code of link as a PNG, error correction level M, one pixel a module
// plus rsc.io/qr's quiet zone: the letter scales it up losslessly.
func QRPNG(link string) ([]byte, error) {
	code, err := qr.Encode(link, qr.M)
	if err != nil {
		return nil, fmt.Errorf("letters: QR code of a link: %w", err)
	}
	code.Scale = 8
	return code.PNG(), nil
}

// Render writes the letters as one PDF to w, a page each, in the order given.
func Render(w io.Writer, e Election, ls []Letter) error {
	if len(ls) == 0 {
		return fmt.Errorf("letters: no letters to print")
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(e.Printed)
	pdf.SetModificationDate(e.Printed)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(e.Title+": voting letters", true)
	pdf.SetAuthor("civivote", true)
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	pdf.SetMargins(25, 20, 25)
	pdf.SetAutoPageBreak(false, 15)
	for i, l := range ls {
		if err := page(pdf, e, l, i); err != nil {
			return err
		}
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("letters: %w", err)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return fmt.Errorf("letters: write the PDF: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func page(pdf *fpdf.Fpdf, e Election, l Letter, i int) error {
	png, err := QRPNG(l.Link)
	if err != nil {
		return err
	}
	pdf.AddPage()
	// The address block sits where a DL window envelope shows it (C5/6 window, 20 mm
	// from the left, 50 mm from the top).
	pdf.SetFont("go", "", 11)
	pdf.SetXY(25, 50)
	for _, line := range append([]string{l.Name}, l.Address...) {
		pdf.CellFormat(90, 5.5, line, "", 2, "L", false, 0, "")
	}
	pdf.SetXY(125, 50)
	pdf.CellFormat(60, 5.5, e.Printed.Format("2 January 2006"), "", 2, "R", false, 0, "")

	pdf.SetXY(25, 100)
	pdf.SetFont("go", "B", 14)
	pdf.MultiCell(160, 7, e.Title, "", "L", false)
	pdf.Ln(4)
	pdf.SetFont("go", "", 11)
	para := func(s string) {
		pdf.MultiCell(160, 5.5, s, "", "L", false)
		pdf.Ln(2.5)
	}
	para("Dear " + l.Name + ",")
	para(fmt.Sprintf("You are on the roll of members who may vote in this election. We are writing because "+
		"we could not reach you by email. Voting opens on %s and closes on %s (times in %s).",
		e.VotingOpens, e.VotingCloses, e.Timezone))
	para("To vote, open your personal link below in a web browser, or scan the square code with a phone's " +
		"camera. You can read every candidate's statement before you choose. The link is yours alone: " +
		"anyone who has it can cast your vote, so do not share it. Your ballot is secret: the link " +
		"records that you voted, never how.")
	pdf.SetFont("go", "B", 10)
	pdf.MultiCell(160, 5, l.Link, "", "L", false)
	pdf.SetFont("go", "", 11)
	pdf.Ln(3)
	name := fmt.Sprintf("qr-%d", i)
	pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
	y := pdf.GetY()
	pdf.ImageOptions(name, 25, y, 45, 45, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	pdf.SetXY(75, y+5)
	pdf.MultiCell(110, 5.5, "Scan this code to open your link. If the link does not work, or you have "+
		"questions about the election, contact "+strings.TrimSuffix(e.Contact, ".")+".", "", "L", false)
	return pdf.Error()
}
