package egdi

// Batch is what one imported file holds, ready to be stored in one
// transaction: published edition values (source "un") and/or raw indicator
// observations (sources "itu", "wdi", "hdr").
type Batch struct {
	File         string        `json:"file"`
	Source       string        `json:"source"` // un, itu, wdi, hdr
	Records      []Record      `json:"records,omitempty"`
	Observations []Observation `json:"observations,omitempty"`
	// Read counts the data rows read; Skipped lists rows left out and why.
	Read    int    `json:"read"`
	Skipped []Skip `json:"skipped,omitempty"`
}

// Skip is a row an importer left out on purpose, with the reason (for
// example an ITU regional aggregate that is not a Member State).
type Skip struct {
	Row    int    `json:"row"`
	Reason string `json:"reason"`
}
