// Text formatting shared with emails lives below the capabilities; views import it from here.
export {
  formatDay,
  shortAuthors,
  snippet,
  submittedLabel,
  submitterOrSource,
} from "../../render/format.ts";
