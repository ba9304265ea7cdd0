// Whether the canvas shows nodes' compact face (useCompactZoom). The compact face is rendered
// without port label text, the node id and face lines past the second (CSS used to hide them):
// the page load's fitted view of a large pipeline is compact, and those elements were about a
// third of each node's DOM, created, styled and laid out for nothing (bench:editor).
import { createContext } from 'react';

export const CompactFaceContext = createContext(false);
