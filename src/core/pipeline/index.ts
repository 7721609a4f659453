export * from './stages';
export * from './graph';
export * from './events';
export * from './state';
export * from './run';
export * from './logFormat';
export * from './history';
export * from './buildSteps';
