package civicrmtest

// Contact is a CiviCRM contact as the fake stores it. Zero values mean
// "not set": an empty Email means the contact has no primary email.
type Contact struct {
	ID           int64
	ContactType  string // "Individual" (default) or "Organization"
	FirstName    string
	LastName     string
	Organization string // organization_name, for ContactType "Organization"
	ExternalID   string
	Email        string // primary email
	EmailOnHold  int    // the primary email's on_hold: 0 no, 1 bounced, 2 opted out
	IsDeleted    bool   // in the trash
	IsDeceased   bool
	// Custom holds single-record custom field values keyed
	// "Group.field" (e.g. "Union_Sync.voting_link"); absent means NULL.
	Custom map[string]string
	Source string

	created, modified string // "2006-01-02 15:04:05"; empty: the seed time
	install           bool   // contact 1 as a fresh install leaves it
	display           string // cached display name of generated contacts
}

// DisplayName returns the name CiviCRM shows for the contact.
func (c *Contact) DisplayName() string {
	if c.display != "" {
		return c.display
	}
	if c.ContactType == "Organization" {
		return c.Organization
	}
	switch {
	case c.FirstName == "":
		return c.LastName
	case c.LastName == "":
		return c.FirstName
	}
	return c.FirstName + " " + c.LastName
}

func (c *Contact) sortName() string {
	if c.ContactType == "Organization" || c.FirstName == "" || c.LastName == "" {
		return c.DisplayName()
	}
	return c.LastName + ", " + c.FirstName
}

// Membership is one membership of a contact. Status and Type are names
// ("Current", "Union Member"); dates are "YYYY-MM-DD" or empty for NULL.
type Membership struct {
	ID        int64
	ContactID int64
	Type      string
	Status    string
	JoinDate  string
	StartDate string
	EndDate   string
}

// Group is a CiviCRM group.
type Group struct {
	ID        int64
	Name      string
	Title     string
	GroupType []string // option values as strings: "1" Access Control, "2" Mailing List
	IsActive  bool
}

// GroupContact is a contact's row in a group; Status is "Added",
// "Removed" or "Pending" (CiviCRM stores any string it is given).
type GroupContact struct {
	ID        int64
	GroupID   int64
	ContactID int64
	Status    string
}

// RelationshipType is a relationship type such as "Officer of".
type RelationshipType struct {
	ID           int64
	NameAB       string
	LabelAB      string
	NameBA       string
	LabelBA      string
	Description  string
	ContactTypeA string
	ContactTypeB string
	IsActive     bool
}

// Relationship links contact A to contact B; dates are "YYYY-MM-DD" or
// empty for NULL.
type Relationship struct {
	ID          int64
	ContactIDA  int64
	ContactIDB  int64
	TypeID      int64
	StartDate   string
	EndDate     string
	IsActive    bool
	Description string
	Created     string // "2006-01-02 15:04:05"
	Modified    string
}

// membershipStatus is a row of civicrm_membership_status as shipped.
type membershipStatus struct {
	id        int64
	name      string
	isCurrent bool
	isAdmin   bool
}

// shippedStatuses returns the statuses CiviCRM ships, in id order.
func shippedStatuses() [7]membershipStatus {
	return [7]membershipStatus{
		{1, "New", true, false},
		{2, "Current", true, false},
		{3, "Grace", true, false},
		{4, "Expired", false, false},
		{5, "Pending", false, false},
		{6, "Cancelled", false, false},
		{7, "Deceased", false, true},
	}
}

func statusByName(name string) (membershipStatus, bool) {
	for _, s := range shippedStatuses() {
		if s.name == name {
			return s, true
		}
	}
	return membershipStatus{}, false
}

// customField describes a field of a single-record custom group on Contact.
type customField struct {
	id       int64
	group    string
	groupID  int64
	name     string
	label    string
	dataType string // as CustomField.get reports it
	htmlType string
	column   string
}

func (f customField) key() string { return f.group + "." + f.name }
