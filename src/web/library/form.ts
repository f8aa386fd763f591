import { z } from "zod";
import { arxivId, onOff } from "../fields.ts";

/** The form of save, not interested and collection toggles: a paper and on (1) or off (0). */
export const ToggleForm = z.object({ arxiv_id: arxivId(), on: onOff() });
