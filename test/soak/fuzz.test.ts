// The soak variant: the same tests, made long by SLUICE_SOAK=1 (npm run test:soak).
import '../reliability/fuzz.test.js';
