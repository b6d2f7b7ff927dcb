package contract

import (
	"strconv"
	"strings"
)

// The rules a violation can name, for code that checks Violation.Rule. The schema keywords
// keep their names; the others are the contract's.
const (
	RuleType                 = "type"
	RuleNullable             = "nullable"
	RuleEnum                 = "enum"
	RuleFormat               = "format"
	RulePattern              = "pattern"
	RuleMinLength            = "minLength"
	RuleMaxLength            = "maxLength"
	RuleMinimum              = "minimum"
	RuleMaximum              = "maximum"
	RuleMultipleOf           = "multipleOf"
	RuleRequired             = "required"
	RuleAdditionalProperties = "additionalProperties"
	RuleMinItems             = "minItems"
	RuleMaxItems             = "maxItems"
	RuleUniqueItems          = "uniqueItems"
	// RuleUndeclaredProperty is strict mode's: a property the schema neither declares nor rules
	// on.
	RuleUndeclaredProperty = "undeclared property"
	// RuleDuplicateKey is an object that repeats a key.
	RuleDuplicateKey = "duplicate key"
	// RuleUTF8 is text that is not valid UTF-8.
	RuleUTF8 = "utf-8"
	// RuleJSON is a body that is not one well-formed JSON value.
	RuleJSON = "json"
	// RuleSecurity is an X-API-Key header that is not PUBLICKEY:SECRETKEY.
	RuleSecurity = "security"
	// RuleContentType is a Content-Type the operation does not declare.
	RuleContentType = "content type"
	// RuleUndeclaredOperation is a method and path, or an operationId, the API does not declare.
	RuleUndeclaredOperation = "undeclared operation"
	// RuleUndeclaredStatus is a response status the operation does not declare.
	RuleUndeclaredStatus = "undeclared status"
)

// Reasons of the contract rules that no schema keyword states.
const (
	ReasonAPIKey       = "must be PUBLICKEY:SECRETKEY, both halves non-empty, without spaces" //nolint:gosec // the key's shape, in words: no credential
	ReasonRequired     = "is required"
	ReasonDuplicateKey = "must appear only once in its object"
	ReasonUTF8         = "must be valid UTF-8 text"
	ReasonUndeclared   = "is not declared by the spec (strict mode)"
)

// patternReasons says in words what each pattern of openapi.yaml expects. A test fails when a
// pattern of openapi.yaml has no entry here.
var patternReasons = map[string]string{
	`^[A-Z]{3}$`:         "must be three upper-case letters, an ISO 4217 code such as ETB",
	`^[1-9][0-9]{6,14}$`: "must be 7 to 15 digits: country code and number, no +, spaces or leading 0",
	`^[^&]*$`:            "must not contain &",
	`^[hH][tT][tT][pP][sS]?://[^\s/?#][^\s]*$`: "must be an absolute http or https URL",
	`^[A-Za-z0-9+/]+={0,2}$`:                   "must be standard base64: letters, digits, + and /, padded with =",
}

// PatternReason returns what a pattern expects, in words, and whether the contract knows it.
func PatternReason(pattern string) (string, bool) {
	r, ok := patternReasons[pattern]
	return r, ok
}

// Reason says in words what rule expects of a value, for a schema with keywords k. in is the
// part being validated ("request body", ...), which additionalProperties names; lenient says
// an amount may be a string holding a decimal number.
func (k *Keywords) Reason(rule, in string, lenient bool) string {
	switch rule {
	case RuleType:
		return typeReason(k.Type, lenient && k.money())
	case RuleNullable:
		return "must not be null"
	case RuleEnum:
		return "must be one of " + strings.Join(k.Enum, ", ")
	case RuleFormat:
		if f, ok := stringFormats[k.Format]; ok {
			return f.Reason
		}
		return "must be in the format " + k.Format
	case RulePattern:
		if r, ok := patternReasons[k.Pattern]; ok {
			return r
		}
		return "must match the regular expression " + k.Pattern
	case RuleMinLength:
		if k.MinLength == 1 {
			return "must not be empty"
		}
		return "must be at least " + strconv.FormatInt(k.MinLength, 10) + " characters long"
	case RuleMaxLength:
		return "must be at most " + strconv.FormatInt(k.MaxLength, 10) + " characters long"
	case RuleMinimum:
		if k.Minimum == "0" {
			return "must not be negative"
		}
		return "must be at least " + k.Minimum
	case RuleMaximum:
		return "must be at most " + k.Maximum
	case RuleMultipleOf:
		return placesReason(k.MultipleOf)
	case RuleRequired:
		return ReasonRequired
	case RuleAdditionalProperties:
		return "is not a field of this " + strings.TrimSuffix(in, " body")
	case RuleUndeclaredProperty:
		return ReasonUndeclared
	case RuleMinItems:
		if k.MinItems == 1 {
			return "must list at least one item"
		}
		return "must list at least " + strconv.FormatInt(k.MinItems, 10) + " items"
	case RuleMaxItems:
		return "must list at most " + strconv.FormatInt(k.MaxItems, 10) + " items"
	case RuleUniqueItems:
		return "must not list an item twice"
	}
	return "breaks the rule " + rule
}

// money reports whether k describes an amount: a number with at most two decimal places.
func (k *Keywords) money() bool { return k.Type == "number" && k.MultipleOf == "0.01" }

func typeReason(typ string, lenientMoney bool) string {
	switch typ {
	case "string":
		return "must be a string"
	case "number":
		if lenientMoney {
			return "must be a number, or a string holding a decimal number"
		}
		return "must be a number"
	case "object":
		return "must be an object"
	case "array":
		return "must be an array"
	case "boolean":
		return "must be true or false"
	}
	return "must be a " + typ
}

// placesReason explains multipleOf 10^-n.
func placesReason(multipleOf string) string {
	places := 0
	if _, frac, ok := strings.Cut(multipleOf, "."); ok {
		places = len(frac)
	}
	switch places {
	case 0:
		return "must be a whole number"
	case 1:
		return "must have at most one decimal place"
	case 2:
		return "must have at most two decimal places"
	}
	return "must have at most " + strconv.Itoa(places) + " decimal places"
}

// ContentTypeReason says which media types a part must have.
func ContentTypeReason(declared []string) string {
	return "must be " + strings.Join(declared, " or ")
}

// StatusReason says which statuses an operation declares.
func StatusReason(declared []string) string {
	return "must be one of the statuses the operation declares: " + strings.Join(declared, ", ")
}
