// Constants several tensors' unpacking chains read (a CumSum axis, bit shifts, shapes) are
// named with this prefix: pack stores each once per file, so the form that reads one is not
// charged for it per tensor. Its own module: forms.ts and its encoders import each other.
export const SHARED_CONSTANT_PREFIX = 'pack.';
