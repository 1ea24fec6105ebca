package civicrm

import (
	"fmt"
	"time"
)

// decode reads one Membership.get answer into p.rows, reusing its storage.
// It understands exactly the envelope and row shapes of transcripts 01–04
// and 74; unknown keys are skipped, so CiviCRM adding a key breaks nothing.
func (p *memberPage) decode(body []byte) error {
	p.rows = p.rows[:0]
	s := scanner{b: body}
	fetched, sawValues := -1, false
	if err := s.expect('{'); err != nil {
		return err
	}
	if s.peek() == '}' {
		return fmt.Errorf(`the answer has no "values"`)
	}
	for {
		key, _, err := s.rawString()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		switch string(key) {
		case "values":
			sawValues = true
			if err := p.values(&s); err != nil {
				return err
			}
		case "countFetched":
			n, err := s.int()
			if err != nil {
				return err
			}
			fetched = int(n)
		default:
			if err := s.skip(); err != nil {
				return err
			}
		}
		more, err := s.more('}')
		if err != nil {
			return err
		}
		if !more {
			break
		}
	}
	if !sawValues {
		return fmt.Errorf(`the answer has no "values": is this really CiviCRM's APIv4?`)
	}
	if fetched >= 0 && fetched != len(p.rows) {
		return fmt.Errorf("the answer says countFetched %d but holds %d rows: it was cut or altered on the way",
			fetched, len(p.rows))
	}
	return nil
}

func (p *memberPage) values(s *scanner) error {
	if err := s.expect('['); err != nil {
		return err
	}
	if s.peek() == ']' {
		s.pos++
		return nil
	}
	for {
		p.rows = append(p.rows, Membership{})
		if err := p.row(s, &p.rows[len(p.rows)-1]); err != nil {
			return err
		}
		more, err := s.more(']')
		if err != nil || !more {
			return err
		}
	}
}

func (p *memberPage) row(s *scanner, m *Membership) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	if s.peek() == '}' {
		s.pos++
		return fmt.Errorf("a member row is empty")
	}
	for {
		key, _, err := s.rawString()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		switch string(key) {
		case "id":
			m.ID, err = s.int()
		case "contact_id":
			m.ContactID, err = s.int()
		case "contact_id.display_name":
			m.DisplayName, err = s.str()
		case "contact_id.email_primary.email":
			m.Email, err = s.str()
		case "contact_id.external_identifier":
			m.ExternalID, err = s.str()
		case "membership_type_id:name":
			m.Type, err = p.internStr(s)
		case "status_id:name":
			m.Status, err = p.internStr(s)
		case "join_date":
			m.JoinDate, err = p.date(s)
		case "start_date":
			m.StartDate, err = p.date(s)
		case "end_date":
			m.EndDate, err = p.date(s)
		default:
			err = s.skip()
		}
		if err != nil {
			return fmt.Errorf("member row %d: %w", len(p.rows), err)
		}
		more, err := s.more('}')
		if err != nil {
			return err
		}
		if !more {
			break
		}
	}
	if m.ID <= 0 || m.ContactID <= 0 {
		return fmt.Errorf("member row %d has no id or contact_id: was the select changed?", len(p.rows))
	}
	return nil
}

// internStr reads a string that takes few values (type and status names)
// and returns one shared copy, saving an allocation per row.
func (p *memberPage) internStr(s *scanner) (string, error) {
	if s.null() {
		return "", nil
	}
	raw, escaped, err := s.rawString()
	if err != nil {
		return "", err
	}
	if v, ok := p.intern[string(raw)]; ok {
		return v, nil
	}
	v := string(raw)
	if escaped {
		s.pos -= len(raw) + 2
		if v, err = s.str(); err != nil {
			return "", err
		}
	}
	if len(p.intern) < 256 {
		p.intern[string(raw)] = v
	}
	return v, nil
}

func (p *memberPage) date(s *scanner) (time.Time, error) {
	if s.null() {
		return time.Time{}, nil
	}
	raw, _, err := s.rawString()
	if err != nil {
		return time.Time{}, err
	}
	return parseDate(raw)
}
