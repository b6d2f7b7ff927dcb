package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reference decodes as encoding/json does, numbers as json.Number.
func reference(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errTrailing
	}
	return v, nil
}

var errTrailing = errors.New("data after the JSON value")

func TestParserAgreesWithEncodingJSON(t *testing.T) {
	for _, body := range []string{
		`{"a":1,"b":[true,false,null],"c":{"d":"é"}}`, `[]`, `{}`, `-0.5e+10`, `0`, `"x"`,
		`01`, `1.`, `.5`, `-`, `1e`, `{"a":1,}`, `[1,]`, `{"a" 1}`, `"\u00e9"`, `"a\"b"`, "\"\x01\"",
		"\"\xff\"", `{"a":1}{}`, `{"a":1} `, ` [ 1 , 2 ] `, `tru`, `nul`, `{"a":1,"a":2}`, `{"a":1}}`,
	} {
		t.Run(body, func(t *testing.T) {
			p := parser{b: body}
			got, ok := p.value(0)
			ok = ok && p.end()
			want, err := reference([]byte(body))
			if ok {
				require.NoError(t, err, "the parser accepted what encoding/json refuses")
				assert.Equal(t, want, got)
			}
			gotDecode, okDecode := decode([]byte(body))
			assert.Equal(t, err == nil, okDecode)
			if okDecode {
				assert.Equal(t, want, gotDecode)
			}
		})
	}
}

func FuzzParser(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e3,"x",null,true]}`, `"\ud83d"`, `[-0]`, "\"\xed\xa0\x80\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		p := parser{b: body}
		got, ok := p.value(0)
		if !ok || !p.end() {
			return
		}
		want, err := reference([]byte(body))
		require.NoError(t, err)
		require.Equal(t, want, got)
	})
}
