// Vite's client types: import.meta.glob for views other helpers provide, CSS imports.
/// <reference types="vite/client" />
