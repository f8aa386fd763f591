import { accountMenu } from "./accounts/menu.ts";
import { discussionPaperSection } from "./community/comments.ts";
import { upvotedByRequester, voteControl } from "./community/votes.ts";
import { subscribeBox } from "./delivery/views.ts";
import { forYouLink, libraryPaperSection } from "./foryou/index.ts";
import type { LayoutSlots } from "./layout.ts";
import { libraryCardActions } from "./library/state.ts";
import type { PaperSection } from "./paper-sections.ts";
import { similarPaperSection } from "./search/similar.ts";
import { summaryPaperSection } from "./summaries/section.ts";
import type { CardActions, VoteParts } from "./views/paper-card.ts";

/**
 * What capabilities contribute to pages they do not own: pieces of the header and footer,
 * sections of the paper page, and the vote control on every paper card. Declared here, in one
 * table, and handed to the app (buildApp decorates the instance with it), rather than pushed
 * into module-level registries at route registration, so no order or process state matters.
 */
export interface PageParts {
  layout: LayoutSlots[];
  paperSections: PaperSection[];
  votes: VoteParts;
  /** Save and Not interested under every paper card, for signed-in readers. */
  cardActions?: CardActions;
}

declare module "fastify" {
  interface FastifyInstance {
    pageParts: PageParts;
  }
}

export function defaultPageParts(): PageParts {
  return {
    // Header pieces render in this order (the account menu first, as before).
    layout: [{ headerEnd: accountMenu }, { beforeFooter: subscribeBox }, { headerEnd: forYouLink }],
    paperSections: [summaryPaperSection, libraryPaperSection, discussionPaperSection, similarPaperSection],
    votes: { control: voteControl, upvoted: upvotedByRequester },
    cardActions: libraryCardActions,
  };
}
