// Placeholder: the shapes of this API are written with it.
export {};
