import Foundation

/// The process's environment, read once: `ProcessInfo.processInfo.environment` builds a new
/// dictionary on every call (some 390,000 instructions with 40 variables), and a check asked it
/// six times on its way. imagegate never changes its own environment, so one copy is right for
/// the whole run.
let processEnvironment = ProcessInfo.processInfo.environment
