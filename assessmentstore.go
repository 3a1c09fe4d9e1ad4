package egdi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// AssessmentStore keeps self-assessments (see [Assessment]) and their
// evidence files. Stores check each answer's own fields ([CheckAnswer]:
// an http(s) URL, a note, a file within [MaxEvidenceFile]); checking the
// item and the value against the questionnaire is the caller's job
// ([Questionnaire.Check]), since questionnaires are data of the binary,
// not of the store. Every write is all or nothing.
type AssessmentStore interface {
	// CreateAssessment stores a new assessment with its answers (which may
	// be none). Each answer gets version 1; an answer's zero At becomes
	// now; CreatedAt and UpdatedAt are set. Errors: EINVALID for a bad
	// name or answer (naming the item), ECONFLICT when the name is taken.
	CreateAssessment(ctx context.Context, a *Assessment) error
	// Assessment returns an assessment with its answers sorted by item,
	// their files' metadata but not their data. Errors: ENOTFOUND.
	Assessment(ctx context.Context, name string) (*Assessment, error)
	// Assessments returns every assessment, by name, with its answers.
	Assessments(ctx context.Context) ([]*Assessment, error)
	// SaveAnswers adds or replaces answers of an assessment, in one
	// transaction. A changed answer's version grows by one; an answer
	// equal to the stored one (value, evidence, note and file) is left
	// as it is. An answer without a file keeps the stored file, if any.
	// It returns the assessment as stored. Errors:
	// ENOTFOUND; EINVALID for a bad answer (naming the item) or an item
	// given twice.
	SaveAnswers(ctx context.Context, name string, answers []Answer) (*Assessment, error)
	// EvidenceFile returns the evidence file of an item's answer, with its
	// data. Errors: ENOTFOUND.
	EvidenceFile(ctx context.Context, name, item string) (*EvidenceFile, error)
	// DeleteAssessment deletes an assessment, its answers and files.
	// Errors: ENOTFOUND.
	DeleteAssessment(ctx context.Context, name string) error
}

// MergeAnswers merges new answers into the stored ones, as
// [AssessmentStore.SaveAnswers] does: it checks each new answer
// ([CheckAnswer]), refuses an item given twice, keeps a stored file when
// the new answer has none (or only a file's metadata, without its data),
// fills a file's size and sets versions (1 for
// a new item, +1 for a changed one) and, for a zero At, the time now.
// changed lists the answers to write (new or different); merged is every
// answer afterwards, sorted by item.
func MergeAnswers(stored, in []Answer, now time.Time) (merged, changed []Answer, err error) {
	byItem := map[string]int{}
	merged = append([]Answer{}, stored...)
	for k, a := range merged {
		byItem[a.Item] = k
	}
	seen := map[string]bool{}
	for _, a := range in {
		if err := CheckAnswer(&a); err != nil {
			return nil, nil, err
		}
		if seen[a.Item] {
			return nil, nil, Errorf(EINVALID, "Item %s is answered twice.", a.Item)
		}
		seen[a.Item] = true
		if a.File != nil && a.File.Data == nil {
			a.File = nil // metadata without content (e.g. from an export): keep what is stored
		}
		if a.File != nil {
			f := *a.File
			if f.Data != nil {
				f.Size = int64(len(f.Data))
				sum := sha256.Sum256(f.Data)
				f.SHA256 = hex.EncodeToString(sum[:])
			}
			a.File = &f
		}
		if a.At.IsZero() {
			a.At = now
		}
		a.At = StoreTime(a.At)
		k, ok := byItem[a.Item]
		if !ok {
			a.Version = 1
			byItem[a.Item] = len(merged)
			merged = append(merged, a)
			changed = append(changed, a)
			continue
		}
		old := merged[k]
		if a.File == nil {
			a.File = old.File
		}
		if a.Value == old.Value && a.Evidence == old.Evidence && a.Note == old.Note && sameFile(a.File, old.File) {
			continue
		}
		a.Version = old.Version + 1
		merged[k] = a
		changed = append(changed, a)
	}
	slices.SortFunc(merged, func(x, y Answer) int { return strings.Compare(x.Item, y.Item) })
	return merged, changed, nil
}

func sameFile(a, b *EvidenceFile) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Name == b.Name && a.Size == b.Size && a.SHA256 == b.SHA256
}
