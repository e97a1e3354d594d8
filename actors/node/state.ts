// The node actor's state type lives in core (pure merge rules use it); re-exported for the actor.
export { emptyNodeState, globalId, parseGlobalId, usedBuckets, type NodeState } from '../../core/graph/node-state';
