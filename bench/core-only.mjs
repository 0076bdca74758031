// A peer for the start-up comparison: @actions/core loaded, doing nothing.
import '@actions/core'
