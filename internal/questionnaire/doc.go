// Package questionnaire loads the self-assessment questionnaires (the
// embedded JSON files of internal/questionnaire/data, one a questionnaire)
// into [egdi.Questionnaire] values: strict JSON (an unknown key, a
// trailing value or a file over 4 MiB is an error), the id equal to the
// file name, then [egdi.Questionnaire.Validate]. Errors are EINVALID and
// name the file.
package questionnaire
