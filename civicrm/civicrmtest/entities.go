package civicrmtest

// action answers one call of an entity's action.
type action func(c *call) (*result, error)

// buildEntities wires the entities the fake serves.
func buildEntities(s *Server) map[string]*entity {
	contact := contactEntity()
	status := membershipStatusEntity()
	mtype := membershipTypeEntity()
	group := groupEntity()
	rtype := relationshipTypeEntity()
	system := newEntity("System")
	// System exists but has no get in APIv4 (64).
	system.actions["check"] = func(c *call) (*result, error) { return newWriteResult().done(false), nil }
	list := []*entity{
		contact, status, mtype, group, rtype, system,
		membershipEntity(contact, status, mtype),
		groupContactEntity(contact, group),
		relationshipEntity(contact, rtype),
		addressEntity(contact),
		customFieldEntity(),
		extensionEntity(),
		settingEntity(),
	}
	m := make(map[string]*entity, len(list))
	for _, e := range list {
		m[e.name] = e
	}
	return m
}
