import { addComment } from './add-comment.ts';
import { addLabels } from './add-labels.ts';
import { closeIssue } from './close-issue.ts';
import { createIssue } from './create-issue.ts';
import { createPullRequest } from './create-pull-request.ts';
import { createRepo } from './create-repo.ts';
import { mergePullRequest } from './merge-pull-request.ts';

/** The GitHub REST actions, shared by the token (`github`) and the OAuth (`github_oauth`) connector. */
export const githubActions = {
  create_issue: createIssue,
  add_comment: addComment,
  close_issue: closeIssue,
  create_repo: createRepo,
  create_pull_request: createPullRequest,
  merge_pull_request: mergePullRequest,
  add_labels: addLabels,
};
