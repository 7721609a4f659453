export { GitClient, directTransport, gitClient, type GitRunOptions, type GitTransport } from './client';
export { FINISH_STATE_FILE, findGitDir, gitPort, readGitFlowConfigFiles, type GitAdapterOptions } from './flowPort';
export { HelperProcessTransport } from './helperProcess';
export { gitTags, tagsOnHead } from './queries';
