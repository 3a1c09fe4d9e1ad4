package questionnaire

import (
	"sync"

	"github.com/egdi-project/egdi/internal/questionnaire/data"
)

// Builtin returns the questionnaires embedded in the binary
// (internal/questionnaire/data), loaded and validated once.
var Builtin = sync.OnceValues(func() (*Set, error) { return Load(data.FS) })
