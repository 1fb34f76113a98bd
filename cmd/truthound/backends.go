package main

// The store backends the command can open, registered in one place.
import (
	_ "github.com/truthound/truthound-go/stores/filesystem"
	_ "github.com/truthound/truthound-go/stores/memory"
)
