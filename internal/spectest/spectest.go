// Package spectest edits a copy of openapi.yaml for tests by its YAML structure, never by its
// text, so that a test's edit survives every change of the spec around what it edits (a field
// added by the next contract change included). Only tests import it.
package spectest

import (
	"bytes"
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Set returns spec with value (YAML text, such as "{type: string, format: email}") at the
// path of mapping keys, replacing what was there and creating the missing mappings, e.g.
// Set(spec, "true", "components", "schemas", "CheckoutRequest", "properties", "description",
// "nullable"). The document is written back with two-space indentation; use [Normalize] on
// the spec it is compared with.
func Set(spec []byte, value string, path ...string) ([]byte, error) {
	if len(path) == 0 {
		return nil, errors.New("spectest: an empty path")
	}
	var doc, val yaml.Node
	if err := yaml.Unmarshal(spec, &doc); err != nil {
		return nil, fmt.Errorf("spectest: the spec: %w", err)
	}
	if err := yaml.Unmarshal([]byte(value), &val); err != nil {
		return nil, fmt.Errorf("spectest: the value: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || len(val.Content) != 1 {
		return nil, errors.New("spectest: the spec and the value must each be one YAML document")
	}
	m := doc.Content[0]
	for i, key := range path {
		if m.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("spectest: %v is not a mapping", path[:i])
		}
		var next *yaml.Node
		for j := 0; j+1 < len(m.Content); j += 2 {
			if m.Content[j].Value == key {
				next = m.Content[j+1]
			}
		}
		last := i == len(path)-1
		if next == nil {
			next = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, next)
		}
		if last {
			*next = *val.Content[0]
		}
		m = next
	}
	return encode(&doc)
}

// Normalize writes spec back as Set does, without changing it.
func Normalize(spec []byte) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(spec, &doc); err != nil {
		return nil, fmt.Errorf("spectest: the spec: %w", err)
	}
	return encode(&doc)
}

func encode(doc *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("spectest: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("spectest: %w", err)
	}
	return b.Bytes(), nil
}
