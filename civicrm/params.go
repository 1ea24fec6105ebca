package civicrm

// getParams are the parameters of a get. Fields are in the order CiviCRM's
// own examples use, so request bodies are stable and readable in logs.
type getParams struct {
	Select  []string          `json:"select,omitempty"`
	Where   []any             `json:"where,omitempty"`
	OrderBy map[string]string `json:"orderBy,omitempty"`
	Limit   int               `json:"limit,omitempty"`
}

// saveParams are the parameters of a save: records, optional defaults
// merged into each, and the fields that find an existing record to update.
type saveParams struct {
	Records  any      `json:"records"`
	Defaults any      `json:"defaults,omitempty"`
	Match    []string `json:"match,omitempty"`
}

// updateParams are the parameters of an update: every row matching where
// gets values.
type updateParams struct {
	Where  []any `json:"where"`
	Values any   `json:"values"`
}

// cond is one where leaf, [field, op, value].
func cond(field, op string, value any) []any { return []any{field, op, value} }

func byID() map[string]string { return map[string]string{"id": "ASC"} }
