package civicrmtest

import (
	"fmt"
	"strings"
	"time"
)

// seedInstall adds what a fresh CiviCRM install has, so that ids of the
// transcript site (org 4, group 2, relationship type 11) line up.
func seedInstall(st *store) {
	st.addContact(Contact{ContactType: "Organization", Organization: "Default Organization", install: true})
	st.addContact(Contact{FirstName: "Standalone", LastName: "Admin"})
	st.addContact(Contact{FirstName: "Limited", LastName: "Apiuser", ExternalID: "limited-api-user"})
	st.groups = append(st.groups, &Group{ID: 1, Name: "Administrators", Title: "Administrators", GroupType: []string{"1"}, IsActive: true})
	st.nextGroup = 2
	for _, t := range [][4]string{
		{"Child of", "Parent of", "Individual", "Individual"},
		{"Spouse of", "Spouse of", "Individual", "Individual"},
		{"Sibling of", "Sibling of", "Individual", "Individual"},
		{"Employee of", "Employer of", "Individual", "Organization"},
		{"Volunteer for", "Volunteer is", "Individual", "Organization"},
		{"Head of Household for", "Head of Household is", "Individual", "Household"},
		{"Household Member of", "Household Member is", "Individual", "Household"},
		{"Case Coordinator is", "Case Coordinator", "Individual", "Individual"},
		{"Supervised by", "Supervisor", "Individual", "Individual"},
		{"Partner of", "Partner of", "Individual", "Individual"},
	} {
		st.relTypes = append(st.relTypes, &RelationshipType{ID: st.nextRelType, NameAB: t[0], LabelAB: t[0],
			NameBA: t[1], LabelBA: t[1], ContactTypeA: t[2], ContactTypeB: t[3], IsActive: true})
		st.nextRelType++
	}
	st.memberTypes = []string{"Union Member"}
}

// SeedTranscriptSite adds the site the transcripts were recorded on:
// organisation 4 "Test Union"; members 5–54 ("Alice Member001" …, TU-001
// …, alice.member1@example.org …) with memberships 1–50: 1–15 Current,
// 16–23 New, 24–30 Grace, 31–38 Expired, 39–44 Cancelled, 45–50 Pending
// (dates as recorded on 2026-11-23); the custom group Union_Sync with
// voting_link (custom field 1) and voting_code (2); group 2 union_voters
// "Union Voters"; relationship type 11 "Officer of"/"Has officer"
// (Individual → Organization). Call it on a new Server, before
// GenerateRoster.
func (s *Server) SeedTranscriptSite() {
	st := s.st
	st.mu.Lock()
	defer st.mu.Unlock()
	st.addContact(Contact{ContactType: "Organization", Organization: "Test Union"})
	names := rosterFirstNames()
	type block struct {
		upTo                  int
		status, join, st, end string
	}
	blocks := []block{
		{15, "Current", "2024-11-23", "2026-05-23", "2027-05-23"},
		{23, "New", "2026-10-23", "2026-10-23", "2027-10-23"},
		{30, "Grace", "2023-11-23", "2025-11-13", "2026-11-13"},
		{38, "Expired", "2022-11-23", "2024-11-23", "2025-11-23"},
		{44, "Cancelled", "2024-11-23", "2026-05-23", "2027-05-23"},
		{50, "Pending", "2026-11-23", "2026-11-23", "2027-11-23"},
	}
	for i := 1; i <= 50; i++ {
		first := names[i-1]
		id := st.addContact(Contact{
			FirstName: first, LastName: fmt.Sprintf("Member%03d", i),
			ExternalID: fmt.Sprintf("TU-%03d", i),
			Email:      fmt.Sprintf("%s.member%d@example.org", strings.ToLower(first), i),
		})
		for _, b := range blocks {
			if i <= b.upTo {
				st.addMembership(Membership{ContactID: id, Type: "Union Member", Status: b.status,
					JoinDate: b.join, StartDate: b.st, EndDate: b.end})
				break
			}
		}
	}
	st.custom = append(st.custom,
		customField{id: 1, group: "Union_Sync", groupID: 1, name: "voting_link", label: "Voting link",
			dataType: "Link", htmlType: "Link", column: "voting_link_1"},
		customField{id: 2, group: "Union_Sync", groupID: 1, name: "voting_code", label: "Voting code",
			dataType: "String", htmlType: "Text", column: "voting_code_2"})
	st.groups = append(st.groups, &Group{ID: st.nextGroup, Name: "union_voters", Title: "Union Voters", GroupType: []string{"2"}, IsActive: true})
	st.nextGroup++
	st.relTypes = append(st.relTypes, &RelationshipType{ID: st.nextRelType, NameAB: "Officer of", LabelAB: "Officer of",
		NameBA: "Has officer", LabelBA: "Has officer", Description: "Union officer",
		ContactTypeA: "Individual", ContactTypeB: "Organization", IsActive: true})
	st.nextRelType++
}

// GenerateRoster adds n memberships of type "Union Member" derived from
// their index and seed, held by about n×49/50 new contacts (every 49th
// contact holds two memberships). Rows are computed on the fly, so n may
// be millions; writes to them are kept in an overlay. About 85% of the
// memberships are current (70% Current, 8% New, 7% Grace; the rest
// Expired, Pending, Cancelled), about 5% of contacts have no email, 0.4%
// are trashed and 0.4% deceased. Dates are relative to the clock. Ids
// continue after the existing rows. A Server holds one generated roster.
func (s *Server) GenerateRoster(n int, seed int64) {
	st := s.st
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.roster != nil {
		panic("civicrmtest: GenerateRoster called twice; a Server holds one generated roster")
	}
	r := newRoster(n, seed, st.nextContact, st.nextMember, st.memberTypes[0], s.now())
	st.roster = r
	st.nextContact += int64(r.nContacts)
	st.nextMember += int64(n)
}

// keyOf returns the API key of contact id, if it has one.
func (s *Server) keyOf(id int64) string {
	for k, c := range s.keys {
		if c == id {
			return k
		}
	}
	return ""
}

// stamp returns a stored "2006-01-02 15:04:05" timestamp, or the time the
// Server was created for rows that never had one.
func (s *Server) stamp(t string) string {
	if t != "" {
		return t
	}
	return s.created
}

func (s *Server) stampNow(now time.Time) string { return now.Format(time.DateTime) }
