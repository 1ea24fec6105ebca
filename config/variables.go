package config

import (
	"fmt"
	"reflect"
	"strings"
)

// Variable describes one environment variable of Config.
type Variable struct {
	Name     string // full name, with Prefix
	Default  string
	Required bool
	Secret   bool
	Help     string

	field string
	typ   reflect.Type
}

// Variables lists every variable Config reads, in declaration order.
func Variables() []Variable {
	t := reflect.TypeFor[Config]()
	vars := make([]Variable, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		tag, ok := f.Tag.Lookup("env")
		if !ok {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		vars = append(vars, Variable{
			Name:     Prefix + name,
			Default:  f.Tag.Get("envDefault"),
			Required: strings.Contains(","+opts+",", ",required,"),
			Secret:   f.Tag.Get("secret") == "true",
			Help:     f.Tag.Get("help"),
			field:    f.Name,
			typ:      f.Type,
		})
	}
	return vars
}

// Setting is one configured value as it may be shown to an admin.
type Setting struct {
	Name  string
	Value string
}

// Redacted returns every variable with its value, secrets replaced by whether they are set.
// It is what the admin page and start-up logs may show.
func (c *Config) Redacted() []Setting {
	v := reflect.ValueOf(c).Elem()
	vars := Variables()
	out := make([]Setting, 0, len(vars))
	for _, vr := range vars {
		val := fmt.Sprint(v.FieldByName(vr.field).Interface())
		switch {
		case vr.Secret && val != "":
			val = "(set, hidden)"
		case vr.Secret:
			val = "(not set)"
		case vr.Name == Prefix+"MYSQL_DSN":
			val = "(hidden)"
		}
		out = append(out, Setting{Name: vr.Name, Value: val})
	}
	return out
}
