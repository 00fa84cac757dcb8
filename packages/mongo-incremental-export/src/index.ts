// mongo-incremental-export is used through its two commands (bin/); no other package or test
// imports this entry point (its own tests import the modules they test), so it exports nothing.
export {};
