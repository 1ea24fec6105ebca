package civicrmtest

import (
	"strconv"
	"strings"
)

// Address is a contact's primary postal address as the fake stores it,
// with the fields of CiviCRM's Address entity (schema/Core/Address) that a
// letter needs. Country is the ISO code ("GB"); the fake answers the
// country's id and label for it.
type Address struct {
	StreetAddress  string
	Supplemental1  string
	City           string
	PostalCode     string
	Country        string
	LocationTypeID int64 // 1 Home by default
}

// WithUnion adds n generated members like WithRoster, but as a union
// looks: varied names from many languages (non-ASCII ones included) with
// emails made from them, a postal address for about 98% of contacts, about
// 8% without an email and 2% whose email is on hold (bounced), and every
// membership status including Deceased. It is derived from seed alone.
func WithUnion(n int, seed int64) Option {
	return func(s *Server) {
		s.seeds = append(s.seeds, func(s *Server) {
			s.GenerateRoster(n, seed)
			s.st.mu.Lock()
			s.st.roster.union = true
			s.st.mu.Unlock()
		})
	}
}

// SetAddress gives contact id a primary postal address (replacing any).
func (s *Server) SetAddress(contactID int64, a Address) error {
	return s.editContact("set address", contactID, func(c *Contact) {
		if a.LocationTypeID == 0 {
			a.LocationTypeID = 1
		}
		s.st.addresses[c.ID] = &a
	})
}

// SetEmailOnHold sets on_hold of contact id's primary email: 0 no, 1
// bounced, 2 opted out (CiviCRM's email_on_hold options).
func (s *Server) SetEmailOnHold(contactID int64, onHold int) error {
	return s.editContact("set email on hold", contactID, func(c *Contact) { c.EmailOnHold = onHold })
}

// AddressOf returns contact id's primary address, generated or set.
func (s *Server) AddressOf(contactID int64) (Address, bool) {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	return s.st.address(contactID)
}

// address returns the primary address of contact id.
func (st *store) address(id int64) (Address, bool) {
	if a, ok := st.addresses[id]; ok {
		return *a, true
	}
	if st.roster != nil && st.roster.union {
		return st.roster.address(id)
	}
	return Address{}, false
}

func unionFirstNames() []string {
	return []string{"Aoife", "Siobhán", "Zoë", "Łukasz", "Małgorzata", "José", "Ngozi", "Chidi", "Søren", "Björn",
		"Ayşe", "Şükrü", "Çağla", "François", "Anaïs", "Jürgen", "Renée", "Dolores", "Mohammed", "Fatima",
		"Priya", "Arjun", "Wei", "Mei", "Kwame", "Amara", "Olusegun", "Ioana", "Tomáš", "Jiří",
		"Zuzana", "Ewa", "Piotr", "Hana", "Yusuf", "Leila", "Darius", "Ólafur", "Guðrún", "Eilidh",
		"Rhiannon", "Gareth", "Dafydd", "Seán", "Niamh", "Catalina", "Andrés", "Inês", "João", "Kofi",
		"Rania", "Omar", "Sunita", "Rajesh", "Grace", "Tom", "Sarah", "David", "Emma", "James",
		"Chloe", "Mark", "Sophie", "Daniel", "Jessica", "Liam", "Ruth", "Ahmed", "Nadia", "Tariq"}
}

func unionLastNames() []string {
	return []string{"Smith", "Jones", "O'Brien", "Ní Bhriain", "MacDonald", "Nowak", "Wiśniewska", "Kowalski", "García", "Fernández",
		"Müller", "Schröder", "Øberg", "Johansson", "Yılmaz", "Öztürk", "Nguyen", "Okafor", "Adeyemi", "Mensah",
		"Patel", "Sharma", "Khan", "Begum", "Chen", "Wang", "Dubois", "Lefèvre", "Novák", "Dvořák",
		"Horváth", "Papadopoulos", "Ivanova", "Rossi", "Esposito", "Silva", "Costa", "Williams", "Taylor", "Brown",
		"Davies", "Evans", "Thomas", "Roberts", "Hughes", "Hussain", "Ali", "Morgan", "Kelly", "Murphy",
		"Walsh", "Byrne", "Ó Súilleabháin", "Campbell", "Stewart", "Jenkins", "Lloyd", "Owusu", "Kaur", "Singh"}
}

// unionStreets and unionTowns are British, the fixture election's country.
func unionStreets() []string {
	return []string{"High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane", "Park Avenue",
		"Queen Street", "Granby Row", "Canal Side", "Oxford Road", "Whitworth Street", "Dale Street",
		"Bold Street", "Stokes Croft", "Gloucester Road", "Leith Walk", "Cowley Road", "Kingsland Road"}
}

func unionTowns() [][2]string {
	return [][2]string{{"Manchester", "M"}, {"Liverpool", "L"}, {"Bristol", "BS"}, {"Edinburgh", "EH"}, {"Oxford", "OX"},
		{"London", "E"}, {"London", "N"}, {"Glasgow", "G"}, {"Cardiff", "CF"}, {"Leeds", "LS"}, {"Sheffield", "S"},
		{"Norwich", "NR"}, {"Brighton", "BN"}, {"Belfast", "BT"}}
}

// unionContact derives generated contact ci of a union roster into c.
func (r *roster) unionContact(id int64, ci int, h uint64, c *Contact) {
	firsts, lasts := unionFirstNames(), unionLastNames()
	first := firsts[h%uint64(len(firsts))]
	last := lasts[(h>>12)%uint64(len(lasts))]
	*c = Contact{ID: id, ContactType: "Individual", FirstName: first, LastName: last,
		ExternalID: "M-" + strconv.Itoa(10000+ci)}
	switch v := (h >> 8) % 100; {
	case v < 8: // no email
	case v < 10:
		c.Email = emailOf(first, last, ci, "example.net")
		c.EmailOnHold = 1
	default:
		c.Email = emailOf(first, last, ci, "example.org")
	}
	c.IsDeleted = (h>>16)%1000 < 4
	c.IsDeceased = (h>>26)%1000 < 4
}

// address derives the primary address of a generated union contact; about
// 2% have none.
func (r *roster) address(id int64) (Address, bool) {
	ci := int(id - r.contact0)
	if id < r.contact0 || ci >= r.nContacts {
		return Address{}, false
	}
	h := r.mix(3, ci)
	if h%100 < 2 {
		return Address{}, false
	}
	streets, towns := unionStreets(), unionTowns()
	town := towns[(h>>8)%uint64(len(towns))]
	a := Address{
		StreetAddress: strconv.Itoa(int(1+(h>>16)%240)) + " " + streets[(h>>24)%uint64(len(streets))],
		City:          town[0],
		Country:       "GB", LocationTypeID: 1,
	}
	if (h>>32)%5 == 0 {
		a.Supplemental1 = "Flat " + strconv.Itoa(int(1+(h>>36)%30))
	}
	letters := "ABDEFGHJLNPQRSTUWXYZ"
	a.PostalCode = town[1] + strconv.Itoa(int(1+(h>>40)%20)) + " " + strconv.Itoa(int((h>>45)%10)) +
		string(letters[(h>>50)%20]) + string(letters[(h>>55)%20])
	return a, true
}

// emailOf makes an address from a name: ASCII letters only, as mail
// providers hand out.
func emailOf(first, last string, ci int, domain string) string {
	var b strings.Builder
	for _, part := range []string{first, ".", last} {
		for _, r := range part {
			if f := foldRune(r); f != "" {
				b.WriteString(f)
			}
		}
	}
	b.WriteString(strconv.Itoa(ci + 1))
	b.WriteString("@")
	b.WriteString(domain)
	return b.String()
}

// foldRune lower-cases r and drops its accents; characters that have no
// place in an address (spaces, apostrophes) give "".
func foldRune(r rune) string {
	switch {
	case r >= 'a' && r <= 'z', r == '.':
		return string(r)
	case r >= 'A' && r <= 'Z':
		return string(r + 'a' - 'A')
	}
	switch r {
	case 'á', 'à', 'â', 'ä', 'ã':
		return "a"
	case 'Ç', 'ç':
		return "c"
	case 'é', 'è', 'ê', 'ë':
		return "e"
	case 'í', 'ï', 'ı':
		return "i"
	case 'ó', 'ö', 'ô', 'Ó', 'Ö':
		return "o"
	case 'ú', 'ü':
		return "u"
	case 'Ł', 'ł':
		return "l"
	case 'ś', 'Ş', 'ş':
		return "s"
	case 'ř':
		return "r"
	case 'ğ':
		return "g"
	case 'ð':
		return "d"
	case 'ø', 'Ø':
		return "o"
	case 'ž':
		return "z"
	}
	return ""
}
