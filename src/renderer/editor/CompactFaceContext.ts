// Whether the canvas shows nodes' compact face (useCompactZoom). Node faces leave out what the
// compact face hides (canvas.css: port label text, the id, lines past the second): the page
// load's fitted view of a large pipeline is compact, and those elements were about a third of
// each node's DOM, created, styled and laid out for nothing (bench:editor).
import { createContext } from 'react';

export const CompactFaceContext = createContext(false);
