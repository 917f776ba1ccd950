// Package mock holds function-field fakes of the domain interfaces for
// tests: each method calls the field named after it with an Fn suffix, and
// calling a method whose field is nil panics with a message naming it.
package mock
