package questionnaire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/egdi-project/egdi"
)

// MaxFile is the largest questionnaire file Parse reads.
const MaxFile = 4 << 20

// Parse reads one questionnaire file. name is the file's name, used in
// errors. The JSON must be one object with only the keys of the format
// (see [egdi.Questionnaire]); the result is validated.
func Parse(name string, data []byte) (*egdi.Questionnaire, error) {
	if len(data) > MaxFile {
		return nil, egdi.Errorf(egdi.EINVALID, "%s: %d bytes, over the limit of %d.", name, len(data), MaxFile)
	}
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	dec.DisallowUnknownFields()
	var q egdi.Questionnaire
	if err := dec.Decode(&q); err != nil {
		return nil, egdi.Errorf(egdi.EINVALID, "%s: %s.", name, jsonError(data, err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, egdi.Errorf(egdi.EINVALID, "%s: more than one JSON value.", name)
	}
	if err := q.Validate(); err != nil {
		return nil, egdi.Errorf(egdi.EINVALID, "%s: %s", name, egdi.ErrorMessage(err))
	}
	return &q, nil
}

// jsonError says where in the file a decoding error is.
func jsonError(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return err.Error()
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	return fmt.Sprintf("line %d: %v", line, err)
}

// Set is a loaded set of questionnaires, by id.
type Set struct {
	list []*egdi.Questionnaire
}

// Load reads every *.json file of fsys (its root directory), each a
// questionnaire whose id is the file's name without .json. Errors:
// EINVALID for a bad file, naming it.
func Load(fsys fs.FS) (*Set, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	s := &Set{}
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		q, err := Parse(n, data)
		if err != nil {
			return nil, err
		}
		if want := strings.TrimSuffix(path.Base(n), ".json"); q.ID != want {
			return nil, egdi.Errorf(egdi.EINVALID, "%s: id %q differs from the file name (%s).", n, q.ID, want)
		}
		s.list = append(s.list, q)
	}
	slices.SortFunc(s.list, func(a, b *egdi.Questionnaire) int { return strings.Compare(a.ID, b.ID) })
	return s, nil
}

// All returns the questionnaires by id. Callers must not modify them.
func (s *Set) All() []*egdi.Questionnaire { return s.list }

// Get returns a questionnaire. Errors: ENOTFOUND, listing the ids.
func (s *Set) Get(id string) (*egdi.Questionnaire, error) {
	ids := make([]string, len(s.list))
	for k, q := range s.list {
		if q.ID == strings.ToLower(strings.TrimSpace(id)) {
			return q, nil
		}
		ids[k] = q.ID
	}
	return nil, egdi.Errorf(egdi.ENOTFOUND, "Unknown questionnaire %q: choose one of %s.", id, strings.Join(ids, ", "))
}
