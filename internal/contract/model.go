package contract

// The compiled contract as contractgen writes it (contract.gen.go): plain data, one value per
// operation, response and schema of openapi.yaml, holding exactly the keywords openapi.yaml
// uses. compile turns it into the validator's nodes once per process.

// noSchema is a schema index that refers to no schema.
const noSchema = -1

// document is the whole compiled contract.
type document struct {
	operations []operationData
	webhook    webhookData
	schemas    []schemaData
	// patterns are the regular expressions of the schemas (pattern), each with its DFA.
	patterns []patternData
}

// operationData is one operation of openapi.yaml's paths.
type operationData struct {
	id       string // operationId
	method   string // "GET", "POST", ...
	path     string // template relative to the server URL: "/payment/transaction/{id}"
	location string // "#/paths/~1payment~1checkout/post"
	// securityHeader is the header of the operation's apiKey scheme, "" when it needs none.
	securityHeader   string
	securityLocation string
	params           []paramData // path parameters, in the order openapi.yaml lists them
	body             bodyData
	responses        []responseData // by status, "default" last
}

// paramData is one path parameter.
type paramData struct {
	name     string
	schema   int
	location string
}

// bodyData is a request body.
type bodyData struct {
	schema   int      // noSchema: the operation takes no body
	required bool     // an empty body is refused
	content  []string // the declared media types
	location string
}

// responseData is one declared response of an operation.
type responseData struct {
	status   string // "200", "default"
	location string
	headers  []headerData
	content  []string // declared media types; none: any body
	schema   int      // of the application/json content; noSchema: the body is not checked
}

// headerData is one declared response header.
type headerData struct {
	name     string
	schema   int
	required bool
	location string
}

// webhookData is the callback LakiPay POSTs to callback_url.
type webhookData struct {
	operationID string
	schema      int
	location    string
	statuses    []string // the receiver's answers openapi.yaml declares
}

// schemaData is one schema.
type schemaData struct {
	// location is where the schema lives in openapi.yaml ("#/components/schemas/Currency").
	location string
	Keywords
	required    []string
	properties  []propertyData // sorted by name
	additional  additional
	extra       int // the additionalProperties schema when additional is additionalSchema
	items       int
	uniqueItems bool
	allOf       []int
}

// propertyData is one declared property of an object schema.
type propertyData struct {
	name   string
	schema int
}

// additional is what an object schema says about properties it does not declare.
type additional uint8

const (
	additionalOpen   additional = iota // nothing said: anything goes (strict mode reports them)
	additionalTrue                     // additionalProperties: true
	additionalFalse                    // additionalProperties: false
	additionalSchema                   // additionalProperties: a schema
)

// patternData is a regular expression and its DFA over ASCII text.
type patternData struct {
	text string
	// next is the transition table: next[state<<7|c] is the state after the byte c < 0x80.
	// State 0 is dead (no match possible), state 1 the start. "" when no DFA was built: the
	// regexp decides.
	next string
	// final[state] is 1 when the text may end in that state.
	final string
}

// Keywords are the validating keywords of one schema that a reason explains: what [Keywords.Reason]
// needs to say what a rule expects.
type Keywords struct {
	// Type is "string", "number", "object", "array", "boolean" or "" (any).
	Type string
	// Nullable says null is allowed.
	Nullable bool
	// Enum lists the allowed strings; nil when any value is.
	Enum []string
	// Format is the string or number format ("uri", "date-time", "double"), or "".
	Format string
	// Pattern is the regular expression, or "".
	Pattern string
	// MinLength and MaxLength bound a string's length in characters; MaxLength -1 is none.
	MinLength, MaxLength int64
	// Minimum, Maximum and MultipleOf are decimal numbers as written ("0.01"), or "".
	Minimum, Maximum, MultipleOf string
	// MinItems and MaxItems bound an array's length; MaxItems -1 is none.
	MinItems, MaxItems int64
}
